import type { HistoryReport } from '@tomcat-pd/core';
import type { Output } from '../output.js';
import { errorsDocument, joinBlocks, type TargetError } from '../target-outcomes.js';
import { METRICS_HEAD, metricsCells, versionMetricsDocument } from './metrics.js';
import { nothingDeployed } from './nothing-deployed.js';
import { paintRole, showVersion } from './role.js';
import { renderTable } from './table.js';

/** `history --json`: per target the versions, newest first, with what the status page says of each. */
export function historyDocument(reports: HistoryReport[], errors: TargetError[]) {
  return {
    path: reports[0]?.path ?? null,
    targets: reports.map((report) => ({
      target: report.target,
      readAt: new Date(report.readAt).toISOString(),
      withMetrics: report.withMetrics,
      versions: report.versions.map((entry) => ({
        version: entry.version,
        buildId: entry.buildId ?? null,
        role: entry.role,
        state: entry.state,
        sessions: entry.sessions,
        metrics: versionMetricsDocument(entry.metrics, report.readAt),
      })),
    })),
    errors: errorsDocument(errors),
  };
}

/** A table per target, newest version first; a line says when the target has no status JSON. */
export function renderHistory(reports: HistoryReport[], colors: Output['colors']): string {
  return joinBlocks(
    ...reports.map((report) => {
      if (report.versions.length === 0) return nothingDeployed(report.target, report.path, false);
      const rows = report.versions.map((entry) => [
        showVersion(entry.version),
        entry.buildId ?? '-',
        paintRole(entry.role, colors),
        entry.state,
        String(entry.sessions),
        ...metricsCells(entry.metrics, report.readAt),
      ]);
      const table = renderTable(['VERSION', 'BUILD', 'ROLE', 'STATE', 'SESSIONS', ...METRICS_HEAD], rows);
      const note = report.withMetrics
        ? ''
        : `\n(${report.target} has no status page in JSON: deployed-at and counts need Tomcat 9.0.83+, 10.1.16+ or 11)`;
      return `${report.target} ${report.path}\n${table}${note}`;
    }),
  );
}
