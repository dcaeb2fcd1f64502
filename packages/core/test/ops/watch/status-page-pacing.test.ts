import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { MIN_ANALYSIS_INTERVAL_MS } from '../../../src/ops/analyze/analysis-options.js';
import { describeApps } from '../../../src/ops/app-status.js';
import type { MetricsReport } from '../../../src/ops/metrics/metrics.js';
import type { StatusReport } from '../../../src/ops/status/status.js';
import { joinLastMetrics, statusPageDue } from '../../../src/ops/watch/status-page-pacing.js';

/** A target's status as `list` makes it: ROOT, and /shop with a stopped, a draining and the live version. */
function statusWeb1(): StatusReport {
  const entry = (path: string, version: string, state: 'running' | 'stopped', sessions: number) => ({
    path,
    version,
    state,
    sessions,
    name: version === '' ? 'ROOT' : `shop##${version}`,
  });
  return {
    target: 'web1',
    managerUrl: 'http://web1:8080/manager',
    apps: describeApps([
      entry('/', '', 'running', 4),
      entry('/shop', '002', 'stopped', 0),
      entry('/shop', '003', 'running', 2),
      entry('/shop', '004', 'running', 12),
    ]),
  };
}

describe('statusPageDue', () => {
  it('first read yes; then only after the floor; never on a server without it', () => {
    expect(statusPageDue({ kind: 'unknown', askedAt: undefined }, 0)).toBe(true);
    expect(statusPageDue({ kind: 'unknown', askedAt: 1_000 }, 5_999)).toBe(false);
    expect(statusPageDue({ kind: 'unknown', askedAt: 1_000 }, 6_000)).toBe(true);
    const last = {} as MetricsReport;
    expect(statusPageDue({ kind: 'present', askedAt: 0, last }, MIN_ANALYSIS_INTERVAL_MS - 1)).toBe(false);
    expect(statusPageDue({ kind: 'present', askedAt: 0, last }, MIN_ANALYSIS_INTERVAL_MS)).toBe(true);
    const error = new TomcatPdError(ErrorCode.forbidden, '403');
    expect(statusPageDue({ kind: 'refused', askedAt: 0, error }, MIN_ANALYSIS_INTERVAL_MS)).toBe(true);
    expect(statusPageDue({ kind: 'absent', error }, 1e12)).toBe(false);
  });
});

describe('joinLastMetrics', () => {
  const metrics = {
    deployedAt: 1,
    startTime: 'x',
    sessionsCreated: 1,
    requests: 2,
    errors: 0,
    errorRate: 0,
    averageSessionSeconds: 0,
  };

  it("keeps each version's metrics of the last page read, its readAt and Metaspace; a new version has none", () => {
    const last = joinLastMetrics(statusWeb1(), undefined, 1_000);
    last.metaspace = { name: 'Metaspace', type: 'x', usedBytes: 1, maxBytes: null };
    for (const v of last.apps[1]!.versions)
      if (v.version !== '004') v.metrics = { ...metrics, requests: Number(v.version) };
    const status = statusWeb1();
    status.apps[1]!.versions.push({
      path: '/shop',
      version: '005',
      state: 'running',
      sessions: 0,
      name: 'shop##005',
      role: 'live',
    });
    const joined = joinLastMetrics(status, last, 9_000);
    expect(joined.readAt).toBe(1_000);
    expect(joined.metaspace).toEqual(last.metaspace);
    expect(joined.apps[1]?.versions.map((v) => [v.version, v.metrics?.requests])).toEqual([
      ['002', 2],
      ['003', 3],
      ['004', undefined],
      ['005', undefined],
    ]);
  });

  it('a drain ETA stays only while its version is draining', () => {
    const last = joinLastMetrics(statusWeb1(), undefined, 1_000);
    const draining = last.apps[1]!.versions[1]!;
    draining.metrics = { ...metrics, drainEta: { kind: 'by', inMs: 60_000 } };
    expect(joinLastMetrics(statusWeb1(), last, 2_000).apps[1]?.versions[1]?.metrics?.drainEta).toEqual({
      kind: 'by',
      inMs: 60_000,
    });
    const now = statusWeb1();
    now.apps[1]!.versions[1]!.role = 'drained';
    const joined = joinLastMetrics(now, last, 2_000).apps[1]?.versions[1]?.metrics;
    expect(joined).toEqual(metrics);
  });

  it('without a page read: no metrics, and the list time as readAt', () => {
    const joined = joinLastMetrics(statusWeb1(), undefined, 5_000);
    expect(joined.readAt).toBe(5_000);
    expect(joined.metaspace).toBeUndefined();
    expect(joined.apps.flatMap((app) => app.versions).every((v) => v.metrics === undefined)).toBe(true);
  });
});
