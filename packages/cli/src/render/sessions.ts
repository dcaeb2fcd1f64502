import type { SessionsReport } from '@tomcat-pd/core';
import { displayName } from '@tomcat-pd/core/internal';
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

/** How the idle-time histogram is drawn. */
export interface SessionsLook {
  colors: Output['colors'];
  /** On a terminal: the width of the longest bar, in characters; `undefined`: the table only. */
  barWidth?: number | undefined;
}

/** One target: its name, then a block per version. Several: the target begins each block's heading. */
export function renderSessions(reports: SessionsReport[], several: boolean, look: SessionsLook): string {
  return reports
    .map((report) => {
      const blocks = report.versions.map((entry) =>
        renderVersion(report.path, entry, look, several ? report.target : undefined),
      );
      return (several ? blocks : [report.target, ...blocks]).join('\n\n');
    })
    .join('\n\n');
}

/** `[web1 ]/shop##001 (draining): 3 sessions, timeout 30 min` and the idle-time table. */
function renderVersion(
  path: string,
  entry: VersionSessions,
  { colors, barWidth }: SessionsLook,
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
  if (barWidth !== undefined) return `${heading}\n${renderBars(sessions.buckets, barWidth)}`;
  const rows = sessions.buckets
    .filter((bucket) => bucket.count > 0)
    .map((bucket) => [`${bucket.label} min`, String(bucket.count)]);
  return `${heading}\n${renderTable(['IDLE', 'SESSIONS'], rows)}`;
}

/**
 * Every bucket, empty ones too (the shape of the histogram is the point: sessions bunched at a
 * long idle time are about to expire), each with a bar as long as its share of the fullest one
 * and its count. A bucket with sessions always gets at least one block.
 */
function renderBars(buckets: VersionSessions['sessions']['buckets'], barWidth: number): string {
  const most = Math.max(...buckets.map((bucket) => bucket.count));
  const rows = buckets.map((bucket) => {
    const blocks = bucket.count === 0 ? 0 : Math.max(1, Math.round((bucket.count / most) * barWidth));
    return [`${bucket.label} min`, `${'█'.repeat(blocks)}${blocks === 0 ? '' : ' '}${bucket.count}`];
  });
  return renderTable(['IDLE', 'SESSIONS'], rows);
}
