import { describe, expect, it } from 'vitest';
import type { MetricsReport, VersionMetrics } from '@tomcat-pd/core';
import { createServeMetrics } from '../../src/serve/prometheus.js';
import { type FleetSnapshot, type TargetSnapshot } from '@tomcat-pd/core';
import { downTarget, statusWeb1, statusWeb2, withoutMetrics } from '../helpers/reports.js';

const READ_AT = Date.UTC(2026, 11, 2, 10, 0, 0);

const metrics: VersionMetrics = {
  deployedAt: READ_AT - 3_600_000,
  startTime: 'Wed Dec 02 09:00:00 UTC 2026',
  sessionsCreated: 40,
  requests: 200,
  errors: 3,
  errorRate: 0.015,
  averageSessionSeconds: 240,
};

/** web1: ROOT live, /shop 002 stopped, 003 draining, 004 live; running versions with metrics. */
function web1(): MetricsReport {
  const report = withoutMetrics(statusWeb1(), READ_AT);
  for (const app of report.apps)
    for (const v of app.versions)
      if (v.state === 'running') v.metrics = { ...metrics, requests: v.sessions * 10 };
  return {
    ...report,
    metaspace: { name: 'Metaspace', type: 'Non-heap memory', usedBytes: 1000, maxBytes: 4000 },
  };
}

function up(report: MetricsReport): TargetSnapshot {
  return {
    state: 'up',
    target: report.target,
    managerUrl: report.managerUrl,
    readAt: READ_AT,
    durationMs: 250,
    report,
    metrics: { kind: 'status-page', readAt: READ_AT },
  };
}

function snapshot(...targets: TargetSnapshot[]): FleetSnapshot {
  return { sequence: 1, intervalMs: 10_000, targets };
}

/** The sample lines (no comments), as `name{labels} value`. */
function samples(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('/metrics', () => {
  it('per target: up, the read duration and time, Metaspace; per version: sessions by role, live, requests, errors', async () => {
    const text = await createServeMetrics().text(snapshot(up(web1())));
    expect(samples(text)).toEqual([
      'tomcat_pd_target_up{target="web1"} 1',
      'tomcat_pd_read_duration_seconds{target="web1"} 0.25',
      `tomcat_pd_read_timestamp_seconds{target="web1"} ${READ_AT / 1000}`,
      'tomcat_pd_version_sessions{target="web1",app="/",version="",role="live"} 4',
      'tomcat_pd_version_sessions{target="web1",app="/shop",version="002",role="stopped"} 0',
      'tomcat_pd_version_sessions{target="web1",app="/shop",version="003",role="draining"} 2',
      'tomcat_pd_version_sessions{target="web1",app="/shop",version="004",role="live"} 12',
      'tomcat_pd_version_live{target="web1",app="/",version=""} 1',
      'tomcat_pd_version_live{target="web1",app="/shop",version="002"} 0',
      'tomcat_pd_version_live{target="web1",app="/shop",version="003"} 0',
      'tomcat_pd_version_live{target="web1",app="/shop",version="004"} 1',
      // Only where the status page lists the version (a stopped one has none).
      'tomcat_pd_version_requests_total{target="web1",app="/",version=""} 40',
      'tomcat_pd_version_requests_total{target="web1",app="/shop",version="003"} 20',
      'tomcat_pd_version_requests_total{target="web1",app="/shop",version="004"} 120',
      'tomcat_pd_version_errors_total{target="web1",app="/",version=""} 3',
      'tomcat_pd_version_errors_total{target="web1",app="/shop",version="003"} 3',
      'tomcat_pd_version_errors_total{target="web1",app="/shop",version="004"} 3',
      'tomcat_pd_target_metaspace_used_bytes{target="web1"} 1000',
      'tomcat_pd_target_metaspace_max_bytes{target="web1"} 4000',
    ]);
    expect(text).toContain('# TYPE tomcat_pd_version_sessions gauge');
    expect(text).toContain('# TYPE tomcat_pd_version_requests_total counter');
    expect(text).toMatch(/# HELP tomcat_pd_version_requests_total .*Tomcat's own counter/);
  });

  it('a version that is gone, or changed its role, leaves no series behind', async () => {
    const metricsOf = createServeMetrics();
    const before = web1();
    await metricsOf.text(snapshot(up(before)));
    const after = web1();
    const shop = after.apps[1]!;
    shop.versions = shop.versions.filter((v) => v.version !== '003');
    const live = shop.versions.find((v) => v.version === '004')!;
    live.role = 'drained';
    live.sessions = 0;
    const text = await metricsOf.text(snapshot(up(after)));
    expect(text).not.toContain('version="003"');
    expect(text).not.toContain('version="004",role="live"');
    expect(text).toContain(
      'tomcat_pd_version_sessions{target="web1",app="/shop",version="004",role="drained"} 0',
    );
    expect(text).toContain('tomcat_pd_version_requests_total{target="web1",app="/shop",version="004"} 120');
  });

  it('a target down: up 0 and no version; one not read yet: nothing', async () => {
    const text = await createServeMetrics().text(
      snapshot(downTarget(READ_AT), {
        state: 'pending',
        target: 'web4',
        managerUrl: 'http://web4:8080/manager',
      }),
    );
    expect(samples(text)).toEqual([
      'tomcat_pd_target_up{target="web3"} 0',
      'tomcat_pd_read_duration_seconds{target="web3"} 0.003',
      `tomcat_pd_read_timestamp_seconds{target="web3"} ${READ_AT / 1000}`,
    ]);
  });

  it('without the status page: sessions and live only; without a Metaspace limit: no max', async () => {
    const report = withoutMetrics(statusWeb2(), READ_AT);
    const text = await createServeMetrics().text(
      snapshot(up({ ...report, metaspace: { name: 'Metaspace', type: 'x', usedBytes: 5, maxBytes: null } })),
    );
    expect(text).not.toMatch(/^tomcat_pd_version_(requests|errors)_total\{/m);
    expect(text).toContain(
      'tomcat_pd_version_sessions{target="web2",app="/api",version="002",role="live"} 1',
    );
    expect(text).toContain('tomcat_pd_target_metaspace_used_bytes{target="web2"} 5');
    expect(text).not.toMatch(/^tomcat_pd_target_metaspace_max_bytes\{/m);
  });

  it('escapes label values as the text format wants', async () => {
    const report = { ...web1(), target: 'we"b\\1' };
    const text = await createServeMetrics().text(snapshot(up(report)));
    expect(text).toContain('tomcat_pd_target_up{target="we\\"b\\\\1"} 1');
  });

  it('its own registry: two instances do not share series, and the default registry stays empty', async () => {
    const { register } = await import('prom-client');
    const a = createServeMetrics();
    const b = createServeMetrics();
    await a.text(snapshot(up(web1())));
    expect(samples(await b.text(snapshot()))).toEqual([]);
    expect(register.getMetricsAsArray()).toEqual([]);
    expect(a.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});
