import ms from 'ms';
import type { DrainEta, MemoryPool, MetricsReport, VersionMetrics } from '@tomcat-pd/core';
import { metaspaceUse } from '@tomcat-pd/core/internal';
import type { Output } from '../output.js';
import { errorsDocument, joinBlocks, type TargetError } from '../target-outcomes.js';
import { mebibytes } from './status-warnings.js';
import { appsDocument, renderStatusWith, versionDocument } from './status.js';

/** `status --metrics --json`: the status document, each version with its `metrics`, and when each target was read. */
export function metricsDocument(reports: MetricsReport[], errors: TargetError[]) {
  return {
    apps: reports.flatMap((report) =>
      appsDocument(report, (v) => ({
        ...versionDocument(v),
        metrics: versionMetricsDocument(v.metrics, report.readAt),
      })),
    ),
    targets: reports.map((report) => ({
      target: report.target,
      readAt: new Date(report.readAt).toISOString(),
      metaspace: report.metaspace === undefined ? null : metaspaceDocument(report.metaspace),
    })),
    errors: errorsDocument(errors),
  };
}

/** `share` is `null` without a limit (no -XX:MaxMetaspaceSize). */
function metaspaceDocument(pool: MemoryPool) {
  const { usedBytes, maxBytes, share } = metaspaceUse(pool);
  return { usedBytes, maxBytes, share: share ?? null };
}

/** A version's `metrics` in a document; `null` where Tomcat's status page has none. */
export function versionMetricsDocument(metrics: VersionMetrics | undefined, readAt: number) {
  if (metrics === undefined) return null;
  const { deployedAt } = metrics;
  return {
    deployedAt: deployedAt === undefined ? null : new Date(deployedAt).toISOString(),
    startTime: metrics.startTime,
    ageSeconds: deployedAt === undefined ? null : Math.round((readAt - deployedAt) / 1000),
    sessionsCreated: metrics.sessionsCreated,
    requests: metrics.requests,
    errors: metrics.errors,
    errorRate: metrics.errorRate ?? null,
    averageSessionSeconds: metrics.averageSessionSeconds,
    ...(metrics.drainEta === undefined ? {} : { drainEta: drainEtaDocument(metrics.drainEta, readAt) }),
  };
}

function drainEtaDocument(eta: DrainEta, readAt: number) {
  if (eta.kind !== 'by') return { kind: eta.kind };
  return {
    kind: eta.kind,
    inSeconds: Math.round(eta.inMs / 1000),
    at: new Date(readAt + eta.inMs).toISOString(),
  };
}

/** The status table with the metrics of each version; `-` where the status page has none. */
export function renderMetrics(
  reports: MetricsReport[],
  several: boolean,
  colors: Output['colors'],
  path: string | undefined,
): string {
  const table = renderStatusWith(
    reports,
    { several, colors, path, head: [...METRICS_HEAD, 'EMPTY BY'] },
    ({ metrics }, report) => [
      ...metricsCells(metrics, report.readAt),
      metrics === undefined ? '-' : emptyBy(metrics.drainEta, report.readAt, metrics.averageSessionSeconds),
    ],
  );
  return joinBlocks(table, reports.flatMap(metaspaceLine).join('\n'));
}

/** `web1: Metaspace 61 MiB of 256 MiB (24%)`, or `... (no limit)` without -XX:MaxMetaspaceSize. */
function metaspaceLine(report: MetricsReport): string[] {
  if (report.metaspace === undefined) return [];
  const { usedBytes, maxBytes, share } = metaspaceUse(report.metaspace);
  const limit =
    maxBytes === null || share === undefined
      ? ' (no limit)'
      : ` of ${mebibytes(maxBytes)} (${Math.round(share * 100)}%)`;
  return [`${report.target}: Metaspace ${mebibytes(usedBytes)}${limit}`];
}

/** DEPLOYED, AGE, SERVED, REQUESTS, ERRORS of a version; `-` where the status page has none. */
export const METRICS_HEAD = ['DEPLOYED', 'AGE', 'SERVED', 'REQUESTS', 'ERRORS'];

export function metricsCells(metrics: VersionMetrics | undefined, readAt: number): string[] {
  if (metrics === undefined) return METRICS_HEAD.map(() => '-');
  const { deployedAt } = metrics;
  return [
    deployedAt === undefined ? metrics.startTime : clock(deployedAt),
    deployedAt === undefined ? '-' : age(readAt - deployedAt),
    String(metrics.sessionsCreated),
    String(metrics.requests),
    metrics.errorRate === undefined
      ? String(metrics.errors)
      : `${metrics.errors} (${percent(metrics.errorRate)})`,
  ];
}

/** `3h`, `2d`; `<1s` (Tomcat's start times are whole seconds). */
function age(elapsedMs: number): string {
  return elapsedMs < 1000 ? '<1s' : ms(Math.floor(elapsedMs / 1000) * 1000);
}

/** `2026-12-01 23:55Z`. */
function clock(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')}Z`;
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)}%`;
}

/** `00:47Z (in 31m; sessions last 4m)`: for a draining version, when it is empty at the latest. */
export function emptyBy(eta: DrainEta | undefined, readAt: number, averageSeconds = 0): string {
  if (eta === undefined) return '';
  if (eta.kind === 'empty') return 'now';
  if (eta.kind === 'never') return 'never (no session timeout)';
  const average = averageSeconds > 0 ? `; sessions last ${ms(averageSeconds * 1000)}` : '';
  return `${new Date(readAt + eta.inMs).toISOString().slice(11, 16)}Z (in ${ms(eta.inMs)}${average})`;
}
