import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '@tomcat-pd/core';
import { parse as parseRollback } from '../../src/actions/rollback.js';
import { collectPaths } from '../../src/flags/flag-values.js';
import { probeOptionsOf } from '../../src/flags/probe-flags.js';
import { probesDocument, renderProbes } from '../../src/render/probes.js';

const usage = expect.objectContaining({ code: 'E_USAGE' });

describe('collectPaths', () => {
  it('takes repeated and comma-separated values', () => {
    expect(collectPaths('/ready', collectPaths('/health'))).toEqual(['/health', '/ready']);
    expect(collectPaths('/health, /ready')).toEqual(['/health', '/ready']);
  });
});

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

describe('the probes of the documents and the text', () => {
  const probes: ProbeResult[] = [
    {
      phase: 'smoke',
      target: 'web1',
      path: '/shop',
      version: '004',
      url: 'http://web1:8080/shop-smoke-4f2a/health',
      status: 200,
      ms: 35,
      ok: true,
    },
    {
      phase: 'live',
      target: 'web1',
      path: '/shop',
      version: '004',
      url: 'http://web1:8080/shop/health',
      status: 500,
      ms: 12,
      ok: false,
      detail: 'answered HTTP 500: "broken"',
    },
  ];

  it('the document keeps the documented fields, detail only where there is one', () => {
    expect(probesDocument(probes)).toEqual(probes.map(({ path: _path, version: _version, ...rest }) => rest));
    expect(Object.keys(probesDocument(probes)[0] ?? {})).toEqual([
      'phase',
      'target',
      'url',
      'status',
      'ms',
      'ok',
    ]);
  });

  it('a line per probe: its status when healthy, why not otherwise', () => {
    expect(renderProbes(probes)).toEqual([
      'web1: smoke probe http://web1:8080/shop-smoke-4f2a/health: HTTP 200 in 35 ms',
      'web1: live probe http://web1:8080/shop/health: answered HTTP 500: "broken" in 12 ms',
    ]);
  });
});
