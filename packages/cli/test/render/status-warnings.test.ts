import { describe, expect, it } from 'vitest';
import type { MetricsReport, StatusReport } from '@tomcat-pd/core';
import { statusWarnings, warningText } from '../../src/render/status-warnings.js';

const versions = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    version: String(i + 1).padStart(3, '0'),
    name: `/shop##${String(i + 1).padStart(3, '0')}`,
    state: 'running' as const,
    sessions: 0,
    role: 'drained' as const,
  }));

function status(target: string, counts: Record<string, number>): StatusReport {
  return {
    target,
    managerUrl: `http://${target}:8080/manager`,
    apps: Object.entries(counts).map(([path, n]) => ({ path, live: undefined, versions: versions(n) })),
  } as unknown as StatusReport;
}

function withMetaspace(target: string, usedBytes: number, maxBytes: number | null): MetricsReport {
  return {
    ...status(target, {}),
    readAt: 0,
    apps: [],
    metaspace: { name: 'Metaspace', type: 'Non-heap memory', usedBytes, maxBytes },
  };
}

describe('status warnings', () => {
  it('an app over the limit, per target; exactly at the limit is no warning', () => {
    const warnings = statusWarnings(
      [status('web1', { '/shop': 6, '/cart': 5 }), status('web2', { '/shop': 7 })],
      5,
    );
    expect(warnings).toEqual([
      { kind: 'resident-versions', target: 'web1', path: '/shop', versions: 6, max: 5 },
      { kind: 'resident-versions', target: 'web2', path: '/shop', versions: 7, max: 5 },
    ]);
    expect(warningText(warnings[0]!)).toBe(
      'web1: /shop has 6 versions resident (more than 5); each keeps its classes in memory until it is undeployed. Drain the old ones: tomcat-pd drain --path /shop',
    );
  });

  it('Metaspace: over 80% of a limit warns; 80% exactly, or no limit, does not', () => {
    const mib = 1024 * 1024;
    expect(
      statusWarnings(
        [
          withMetaspace('a', 81 * mib, 100 * mib),
          withMetaspace('b', 80 * mib, 100 * mib),
          withMetaspace('c', 500 * mib, null),
        ],
        5,
      ),
    ).toEqual([{ kind: 'metaspace', target: 'a', usedBytes: 81 * mib, maxBytes: 100 * mib, share: 0.81 }]);
    expect(
      warningText({ kind: 'metaspace', target: 'a', usedBytes: 81 * mib, maxBytes: 100 * mib, share: 0.81 }),
    ).toMatch(/^a: Metaspace is 81% full \(81 MiB of 100 MiB, warning over 80%\)/);
  });
});
