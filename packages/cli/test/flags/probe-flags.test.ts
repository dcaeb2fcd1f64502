import { describe, expect, it } from 'vitest';
import { parse as parseRollback } from '../../src/actions/rollback.js';
import { probeOptionsOf } from '../../src/flags/probe-flags.js';

const usage = expect.objectContaining({ code: 'E_USAGE' });

describe('probeOptionsOf', () => {
  it('gives probe and smoke the shared expectations', () => {
    expect(
      probeOptionsOf(
        { probe: ['/health'], smoke: ['/up'], expect: 'ok', expectStatus: '200-399', probeTimeout: '5s' },
        {},
        { smoke: true },
      ),
    ).toEqual({
      probe: { paths: ['/health'], expectText: 'ok', expectStatus: { min: 200, max: 399 }, timeoutMs: 5_000 },
      smoke: { paths: ['/up'], expectText: 'ok', expectStatus: { min: 200, max: 399 }, timeoutMs: 5_000 },
    });
  });

  it("takes the config's defaults.probe and defaults.smoke when no flag is given", () => {
    const parsed = probeOptionsOf({}, { probe: ['/health'], smoke: ['/health'] }, { smoke: true });
    expect(parsed.probe?.paths).toEqual(['/health']);
    expect(parsed.smoke?.paths).toEqual(['/health']);
    expect(probeOptionsOf({}, { smoke: ['/health'] }, { smoke: false }).smoke).toBeUndefined();
  });

  it('refuses --expect, --expect-status and --probe-timeout without a probe, naming the flag', () => {
    expect(() => probeOptionsOf({ expect: 'ok' }, {}, { smoke: true })).toThrow(
      expect.objectContaining({
        message: '--expect applies to a probe, and none is asked for: give --probe or --smoke too.',
      }),
    );
    expect(() => probeOptionsOf({ probeTimeout: '5s' }, {}, { smoke: false })).toThrow(
      /^--probe-timeout applies to a probe, and none is asked for: give --probe too\.$/,
    );
  });

  // The core checks the paths as it parses a command's options, before any request.
  it.each([['health'], ['http://shop.example/health'], ['//x']])('refuses the probe path %j', (path) => {
    expect(() => parseRollback({ args: [], flags: { path: '/shop', probe: [path] }, defaults: {} })).toThrow(
      usage,
    );
  });

  it('refuses a status range that is none', () => {
    expect(() => probeOptionsOf({ probe: ['/h'], expectStatus: '2xx' }, {}, { smoke: false })).toThrow(usage);
  });
});
