import { getStatus, onEachTarget, validateContextPath, type StatusReport } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { nothingDeployed } from '../nothing-deployed.js';
import { paintRole, showVersion } from '../render-role.js';
import { renderTable } from '../table.js';
import { errorsDocument, joinBlocks, reportOutcomes, type TargetError } from '../target-outcomes.js';

/** `tomcat-pd status [--path P]`: every selected target, merged into one report. */
export async function run(context: CliContext, _args: unknown[], options: { path?: string }): Promise<void> {
  // A bad path is a usage error of the command, not of each target: refused before connecting.
  const path = options.path === undefined ? undefined : validateContextPath(options.path);
  const clients = await context.clients();
  const outcomes = await onEachTarget(
    clients,
    (client) => getStatus(client, { ...(path === undefined ? {} : { path }), signal: context.signal }),
    { parallel: context.parallel },
  );
  reportOutcomes(context, outcomes, {
    document: statusDocument,
    render: (reports, several) => renderStatus(reports, several, context, path),
  });
}

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
  context: CliContext,
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
        paintRole(v.role, context.output.colors),
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
