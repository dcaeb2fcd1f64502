import { describe, expect, it } from 'vitest';
import { isTomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { buildCommandUrl, contextParams } from '../../src/manager/manager-request.js';
import { normalizeManagerUrl } from '../../src/manager/manager-url.js';

const base = normalizeManagerUrl('http://localhost:8080/manager');

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isTomcatPdError(error) ? error.code : 'not a TomcatPdError';
  }
  return undefined;
}

describe('buildCommandUrl', () => {
  it('puts the command under /manager/text/', () => {
    const url = buildCommandUrl(base, 'list');
    expect(url.href).toBe('http://localhost:8080/manager/text/list');
    expect(url.search).toBe('');
  });

  it.each([
    ['/a b', '%2Fa%20b'],
    ['/a+b', '%2Fa%2Bb'],
    ['/a#b', '%2Fa%23b'],
    ['/a&version=9', '%2Fa%26version%3D9'],
    ['/a?b', '%2Fa%3Fb'],
    ['/café', '%2Fcaf%C3%A9'],
    ['/日本', '%2F%E6%97%A5%E6%9C%AC'],
    ['/a%20b', '%2Fa%2520b'],
  ])('percent-encodes path %j', (path, encoded) => {
    const url = buildCommandUrl(base, 'undeploy', { path, version: '001' });
    expect(url.search).toBe(`?path=${encoded}&version=001`);
    // Whatever Tomcat decodes is exactly what was given: nothing ends the URL or splits a parameter.
    expect(url.hash).toBe('');
    expect([...url.searchParams.keys()]).toEqual(['path', 'version']);
    expect(url.searchParams.get('path')).toBe(path);
  });

  it('percent-encodes parameter names and versions too', () => {
    const url = buildCommandUrl(base, 'deploy', { path: '/shop', version: 'a+b', 'we ird': 'x' });
    expect(url.search).toBe('?path=%2Fshop&version=a%2Bb&we%20ird=x');
  });

  it.each([
    ['an empty path', { path: '' }],
    ['an undefined path', { path: undefined }],
  ])('refuses %s (Tomcat reads path= as ROOT)', (_what, params) => {
    expect(codeOf(() => buildCommandUrl(base, 'undeploy', params))).toBe('E_USAGE');
    expect(codeOf(() => buildCommandUrl(base, 'stop', { ...params, version: '001' }))).toBe('E_USAGE');
  });

  it('sends ROOT as path=/, not as an empty path', () => {
    expect(buildCommandUrl(base, 'undeploy', { path: '/' }).search).toBe('?path=%2F');
  });

  it('never sends idle on sessions, even undefined', () => {
    expect(codeOf(() => buildCommandUrl(base, 'sessions', { path: '/shop', idle: '0' }))).toBe('E_USAGE');
    expect(codeOf(() => buildCommandUrl(base, 'sessions', { path: '/shop', idle: undefined }))).toBe(
      'E_USAGE',
    );
    expect(buildCommandUrl(base, 'sessions', { path: '/shop' }).search).toBe('?path=%2Fshop');
  });

  it('allows idle on expire, the command that is meant to expire', () => {
    expect(buildCommandUrl(base, 'expire', { path: '/shop', idle: '30' }).search).toBe(
      '?path=%2Fshop&idle=30',
    );
  });

  it('omits undefined parameters', () => {
    const url = buildCommandUrl(base, 'start', { path: '/shop', version: undefined, tag: undefined });
    expect(url.search).toBe('?path=%2Fshop');
    expect(url.href).not.toContain('undefined');
  });

  it('does not change the base URL it is given', () => {
    buildCommandUrl(base, 'list', {});
    expect(base.href).toBe('http://localhost:8080/manager/text/');
  });
});

describe('contextParams', () => {
  it('omits the version of an unversioned context', () => {
    expect(contextParams('/x', '')).toEqual({ path: '/x', version: undefined });
    expect(buildCommandUrl(base, 'undeploy', contextParams('/x', '')).search).toBe('?path=%2Fx');
  });

  it('names the version of a versioned context', () => {
    expect(contextParams('/x', '007')).toEqual({ path: '/x', version: '007' });
    expect(buildCommandUrl(base, 'undeploy', contextParams('/x', '007')).search).toBe(
      '?path=%2Fx&version=007',
    );
  });
});
