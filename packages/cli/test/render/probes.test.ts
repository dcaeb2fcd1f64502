import { describe, expect, it } from 'vitest';
import type { ProbeResult } from '@tomcat-pd/core';
import { probesDocument, renderProbes } from '../../src/render/probes.js';

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
