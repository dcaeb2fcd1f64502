import type { StatusReport, VersionStatus } from '@tomcat-pd/core';
import { nothingDeployed } from './nothing-deployed.js';
import type { Output } from '../output.js';
import { paintRole, showVersion } from './role.js';
import { renderTable } from './table.js';
import { errorsDocument, joinBlocks, type TargetError } from '../target-outcomes.js';

/** The JSON document: one entry per app and target, and the targets that failed (see the README). */
export function statusDocument(reports: StatusReport[], errors: TargetError[]) {
  return {
    apps: reports.flatMap((report) => appsDocument(report, versionDocument)),
    errors: errorsDocument(errors),
  };
}

/** Each app of a report as the document shows it, each version as `version` says. */
export function appsDocument<R extends TargetVersions, D>(
  report: R,
  version: (v: VersionOf<R>) => D,
): { target: string; path: string; live: string | null; versions: D[] }[] {
  return report.apps.map((app) => ({
    target: report.target,
    path: app.path,
    live: app.live ?? null,
    versions: app.versions.map(version),
  }));
}

/** The fields of a version in `status --json`. */
export function versionDocument({ version, state, sessions, role, name }: VersionStatus) {
  return { version, state, sessions, role, name };
}

/** What every version table shows of a target: its name and its apps' versions. */
interface TargetVersions<V extends VersionStatus = VersionStatus> {
  target: string;
  apps: { path: string; live: string | undefined; versions: V[] }[];
}

/** The versions a report holds (`VersionStatus`, or more). */
type VersionOf<R extends TargetVersions> = R['apps'][number]['versions'][number];

/** The columns of `status`, a version's row of them. */
const STATUS_HEAD = ['APP', 'VERSION', 'STATE', 'SESSIONS', 'ROLE'];

function statusCells(path: string, v: VersionStatus, colors: Output['colors']): string[] {
  return [path, showVersion(v.version), v.state, String(v.sessions), paintRole(v.role, colors)];
}

export function renderStatus(
  reports: StatusReport[],
  several: boolean,
  colors: Output['colors'],
  path: string | undefined,
): string {
  return renderVersionTable(reports, { several, path, head: STATUS_HEAD }, (app, v) =>
    statusCells(app, v, colors),
  );
}

/**
 * The columns of `status`, then `head`'s: a version table with more to say of each version
 * (`status --metrics`).
 */
export function renderStatusWith<R extends TargetVersions>(
  reports: R[],
  options: { several: boolean; colors: Output['colors']; path: string | undefined; head: string[] },
  cells: (v: VersionOf<R>, report: R) => string[],
): string {
  return renderVersionTable(
    reports,
    { ...options, head: [...STATUS_HEAD, ...options.head] },
    (app, v, report) => [...statusCells(app, v, options.colors), ...cells(v, report)],
  );
}

/**
 * One target: its name, then the table. Several: one table with a TARGET column, and a line for
 * each target that answered with no application.
 */
function renderVersionTable<R extends TargetVersions>(
  reports: R[],
  { several, path, head }: { several: boolean; path: string | undefined; head: string[] },
  cells: (path: string, v: VersionOf<R>, report: R) => string[],
): string {
  const rowsOf = (report: R) =>
    report.apps.flatMap((app) => app.versions.map((v) => cells(app.path, v, report)));
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
