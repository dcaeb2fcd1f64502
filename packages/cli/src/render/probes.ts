import type { ProbeResult } from '@tomcat-pd/core';

/** The `probes` of a JSON document (documented in the README). */
export function probesDocument(probes: readonly ProbeResult[]) {
  return probes.map(({ phase, target, url, status, ms, ok, detail }) => ({
    phase,
    target,
    url,
    status,
    ms,
    ok,
    ...(detail === undefined ? {} : { detail }),
  }));
}

/** `web1: smoke probe http://h/shop-smoke-4f2a/health: HTTP 200 in 45 ms`, a line per probe. */
export function renderProbes(probes: readonly ProbeResult[]): string[] {
  return probes.map((probe) => {
    const verdict = probe.ok ? `HTTP ${probe.status ?? '?'}` : (probe.detail ?? 'failed');
    return `${probe.target}: ${probe.phase} probe ${probe.url}: ${verdict} in ${probe.ms} ms`;
  });
}
