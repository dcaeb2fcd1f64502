import { getStatus, type StatusReport } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { paintRole, showVersion } from '../render-role.js';
import { renderTable } from '../table.js';

/** `tomcat-pd status [--path P]` */
export async function run(context: CliContext, _args: unknown[], options: { path?: string }): Promise<void> {
  const client = await context.client();
  const report = await getStatus(client, {
    ...(options.path === undefined ? {} : { path: options.path }),
    signal: context.signal,
  });
  context.output.result(statusDocument(report), () => renderStatus(report, context));
}

/** The JSON document: one entry per app, each with its target (documented in the README). */
export function statusDocument(report: StatusReport) {
  return {
    apps: report.apps.map((app) => ({
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
  };
}

function renderStatus(report: StatusReport, context: CliContext): string {
  const rows = report.apps.flatMap((app) =>
    app.versions.map((v) => [
      app.path,
      showVersion(v.version),
      v.state,
      String(v.sessions),
      paintRole(v.role, context.output.colors),
    ]),
  );
  if (rows.length === 0) return `No application is deployed on ${report.target}.`;
  return `${report.target}\n${renderTable(['APP', 'VERSION', 'STATE', 'SESSIONS', 'ROLE'], rows)}`;
}
