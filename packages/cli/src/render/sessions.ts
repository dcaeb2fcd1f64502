import { displayName, type SessionsReport } from '@tomcat-pd/core';
import type { Output } from '../output.js';
import { paintRole } from './role.js';
import { renderTable } from './table.js';
import { errorsDocument, type TargetError } from '../target-outcomes.js';

type VersionSessions = SessionsReport['versions'][number];

/** The JSON document: one entry per version and target, flat for `jq`, and the targets that failed. */
export function sessionsDocument(reports: SessionsReport[], errors: TargetError[]) {
  return {
    versions: reports.flatMap((report) =>
      report.versions.map(({ version, role, sessions }) => ({
        target: report.target,
        path: report.path,
        version,
        role,
        defaultMaxInactiveMinutes: sessions.defaultMaxInactiveMinutes,
        total: sessions.total,
        buckets: sessions.buckets.map(({ label, fromMinutes, toMinutes, count }) => ({
          label,
          fromMinutes,
          toMinutes,
          count,
        })),
      })),
    ),
    errors: errorsDocument(errors),
  };
}

/** One target: its name, then a block per version. Several: the target begins each block's heading. */
export function renderSessions(
  reports: SessionsReport[],
  several: boolean,
  colors: Output['colors'],
): string {
  return reports
    .map((report) => {
      const blocks = report.versions.map((entry) =>
        renderVersion(report.path, entry, colors, several ? report.target : undefined),
      );
      return (several ? blocks : [report.target, ...blocks]).join('\n\n');
    })
    .join('\n\n');
}

/** `[web1 ]/shop##001 (draining): 3 sessions, timeout 30 min` and the idle-time table. */
function renderVersion(
  path: string,
  entry: VersionSessions,
  colors: Output['colors'],
  target: string | undefined,
): string {
  const { sessions } = entry;
  const count =
    sessions.total === 0
      ? 'no sessions'
      : `${sessions.total} ${sessions.total === 1 ? 'session' : 'sessions'}`;
  // Tomcat reports -1 when the web app sets no timeout: its sessions never expire on their own.
  const timeout =
    sessions.defaultMaxInactiveMinutes < 0
      ? 'no timeout'
      : `timeout ${sessions.defaultMaxInactiveMinutes} min`;
  const heading =
    `${target === undefined ? '' : `${target} `}` +
    `${displayName(path, entry.version)} (${paintRole(entry.role, colors)}): ` +
    `${count}, ${timeout}`;
  if (sessions.total === 0) return heading;
  const rows = sessions.buckets
    .filter((bucket) => bucket.count > 0)
    .map((bucket) => [`${bucket.label} min`, String(bucket.count)]);
  return `${heading}\n${renderTable(['IDLE', 'SESSIONS'], rows)}`;
}
