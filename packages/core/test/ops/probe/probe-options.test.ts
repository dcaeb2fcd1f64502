import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { judgeAnswer, parseProbeOptions, probePath } from '../../../src/ops/probe/probe-options.js';

const usage = expect.objectContaining({ code: ErrorCode.usage });
const ok = { expectStatus: { min: 200, max: 299 }, expectText: undefined };

describe('parseProbeOptions', () => {
  it('takes the defaults: 2xx, 60 s, every second', () => {
    expect(parseProbeOptions({ paths: ['/health'] })).toEqual({
      paths: ['/health'],
      expectStatus: { min: 200, max: 299 },
      expectText: undefined,
      timeoutMs: 60_000,
      intervalMs: 1_000,
    });
  });

  it.each([[[]], [['health']], [['http://x/health']], [['//x/health']], [['/a b']]])(
    'refuses the paths %j',
    (paths) => {
      expect(() => parseProbeOptions({ paths })).toThrow(usage);
    },
  );

  it('refuses a time-out of 0', () => {
    expect(() => parseProbeOptions({ paths: ['/h'], timeoutMs: 0 })).toThrow(usage);
  });
});

describe('probePath', () => {
  it('puts the probe path under the context path, ROOT included', () => {
    expect(probePath('/shop', '/health')).toBe('/shop/health');
    expect(probePath('/', '/health')).toBe('/health');
    expect(probePath('/a/b', '/up?deep=1')).toBe('/a/b/up?deep=1');
  });
});

describe('judgeAnswer', () => {
  it('a 2xx is healthy; 404 and 503 mean not up yet', () => {
    expect(judgeAnswer({ status: 200, body: 'ok' }, ok)).toEqual({ kind: 'healthy' });
    expect(judgeAnswer({ status: 404, body: '' }, ok)).toEqual({ kind: 'not-yet', why: 'answered HTTP 404' });
    expect(judgeAnswer({ status: 503, body: 'starting' }, ok)).toEqual({
      kind: 'not-yet',
      why: 'answered HTTP 503: "starting"',
    });
  });

  it('a 500 is unhealthy at once, with the start of the body on one line', () => {
    const verdict = judgeAnswer({ status: 500, body: `broken:\n${'x'.repeat(500)}` }, ok);
    expect(verdict.kind).toBe('unhealthy');
    expect(verdict.kind !== 'healthy' && verdict.why).toMatch(/^answered HTTP 500: "broken: x{192}…"$/);
  });

  it('a redirect is unhealthy unless the range allows it, and names where it pointed', () => {
    const redirect = { status: 302, body: '', location: 'https://sso.example/login' };
    expect(judgeAnswer(redirect, ok)).toEqual({
      kind: 'unhealthy',
      why: 'answered HTTP 302 redirecting to https://sso.example/login (not followed)',
    });
    expect(judgeAnswer(redirect, { ...ok, expectStatus: { min: 200, max: 399 } })).toEqual({
      kind: 'healthy',
    });
  });

  it('with an expected text, a 200 without it is unhealthy', () => {
    expect(judgeAnswer({ status: 200, body: 'unhealthy' }, { ...ok, expectText: 'healthy ' })).toMatchObject({
      kind: 'unhealthy',
      why: 'answered HTTP 200 without "healthy ": "unhealthy"',
    });
    expect(judgeAnswer({ status: 200, body: 'all healthy here' }, { ...ok, expectText: 'healthy' })).toEqual({
      kind: 'healthy',
    });
  });
});
