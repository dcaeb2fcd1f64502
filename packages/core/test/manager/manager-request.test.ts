import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { buildCommandUrl, contextParams, type ManagerCommand } from '../../src/manager/manager-request.js';
import { normalizeManagerUrl } from '../../src/manager/manager-url.js';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { validateContextPath } from '../../src/versions/context-name.js';
import { validateVersion } from '../../src/versions/version-rules.js';
import { pathish, pathLike, validVersion, versionish } from '../helpers/name-arbitraries.js';
import { assertReaching, RUNS, usageErrorOf, valueOrTypedError } from '../helpers/properties.js';

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

const TEXT_BASE = normalizeManagerUrl('http://localhost:8080/manager');
// prettier-ignore
const COMMANDS: ManagerCommand[] = ['deploy', 'undeploy', 'start', 'stop', 'reload', 'sessions', 'expire', 'list'];

describe('buildCommandUrl on arbitrary paths, versions and parameters', () => {
  it('sends a validated path and version so that the query decodes back to exactly them', () => {
    let sent = 0;
    const version = fc.oneof(fc.constant(''), validVersion, versionish);
    const property = fc.property(pathLike, version, fc.constantFrom(...COMMANDS), (p, v, command) => {
      const path = valueOrTypedError(() => validateContextPath(p), [ErrorCode.usage]);
      const checked = v === '' ? '' : valueOrTypedError(() => validateVersion(v), [ErrorCode.usage]);
      if (path === undefined || checked === undefined) return;
      const url = new URL(buildCommandUrl(TEXT_BASE, command, contextParams(path, checked)).href);
      expect([...url.searchParams]).toEqual([
        ['path', path],
        ...(checked === '' ? [] : [['version', checked]]),
      ]);
      expect(url.pathname).toBe(`/manager/text/${command}`);
      expect(url.hash).toBe('');
      sent += 1;
    });
    assertReaching(property, () => sent);
  });

  it('with any parameters, sends exactly them (never idle for sessions) or refuses with E_USAGE', () => {
    const key = fc.oneof(fc.constantFrom('path', 'version', 'idle', 'update', 'tag'), fc.string(), pathish);
    const value = fc.option(fc.oneof(pathish, fc.string({ unit: 'binary' })), { nil: undefined });
    const params = fc
      .array(fc.tuple(key, value), { maxLength: 4 })
      .map((entries) => Object.fromEntries(entries));
    fc.assert(
      fc.property(params, fc.constantFrom(...COMMANDS), (given, command) => {
        const url = valueOrTypedError(() => buildCommandUrl(TEXT_BASE, command, given), [ErrorCode.usage]);
        if (url === undefined) return;
        const sent = Object.entries(given).filter((entry) => entry[1] !== undefined);
        expect([...new URL(url.href).searchParams]).toEqual(sent);
        if (command === 'sessions') expect(url.searchParams.has('idle')).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('regressions found by the properties', () => {
  it('keeps a surrogate pair (an emoji) in a path', () => {
    expect(validateContextPath('/😀')).toBe('/😀');
    expect(buildCommandUrl(TEXT_BASE, 'stop', { path: '/😀' }).searchParams.get('path')).toBe('/😀');
  });

  // Was: buildCommandUrl(base, 'deploy', { '': '\udc00' }) threw `URIError: URI malformed`.
  it.each([[{ '': '\udc00' }], [{ path: '/shop', tag: 'build\ud800' }], [{ path: '/shop', '\udc00': '1' }]])(
    'refuses to send %j, which cannot be percent-encoded',
    (params) => {
      expect(usageErrorOf(() => buildCommandUrl(TEXT_BASE, 'deploy', params)).message).toContain(
        'not valid Unicode',
      );
    },
  );
});
