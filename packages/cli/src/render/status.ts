import type { StatusReport } from '@tomcat-pd/core';
import { nothingDeployed } from './nothing-deployed.js';
import type { Output } from '../output.js';
import { paintRole, showVersion } from './role.js';
import { renderTable } from './table.js';
import { errorsDocument, joinBlocks, type TargetError } from '../target-outcomes.js';

/** The JSON document: one entry per app and target, and the targets that failed (see the README). */
export function statusDocument(reports: StatusReport[], errors: TargetError[]) {
  return {
    apps: reports.flatMap((report) =>
      report.apps.map((app) => ({
        target: report.target,
        path: app.path,
        live: app.live ?? null,
        versions: app.versions.map(({ version, state, sessions, role, name }) => ({
          version,
          state,
          sessions,
          role,
          name,
        })),
      })),
    ),
    errors: errorsDocument(errors),
  };
}

/**
 * One target: its name, then the table. Several: one table with a TARGET column, and a line for
 * each target that answered with no application.
 */
export function renderStatus(
  reports: StatusReport[],
  several: boolean,
  colors: Output['colors'],
  path: string | undefined,
): string {
  const head = ['APP', 'VERSION', 'STATE', 'SESSIONS', 'ROLE'];
  const rowsOf = (report: StatusReport) =>
    report.apps.flatMap((app) =>
      app.versions.map((v) => [
        app.path,
        showVersion(v.version),
        v.state,
        String(v.sessions),
        paintRole(v.role, colors),
      ]),
    );
  if (!several) {
    return reports
      .map((report) => {
        const rows = rowsOf(report);
        if (rows.length === 0) return nothingDeployed(report.target, path, false);
        return `${report.target}\n${renderTable(head, rows)}`;
      })
      .join('\n\n');
  }
  const rows = reports.flatMap((report) => rowsOf(report).map((row) => [report.target, ...row]));
  const empty = reports.filter((report) => report.apps.length === 0).map((report) => report.target);
  const notes = empty.map((target) => nothingDeployed(target, path, true));
  return joinBlocks(rows.length === 0 ? '' : renderTable(['TARGET', ...head], rows), notes.join('\n'));
}
