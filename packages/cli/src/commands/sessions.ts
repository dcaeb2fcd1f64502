import {
  displayName,
  getSessions,
  onEachTarget,
  validateContextPath,
  validateVersion,
  type SessionsReport,
} from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { paintRole } from '../render-role.js';
import { renderTable } from '../table.js';
import { errorsDocument, reportOutcomes, type TargetError } from '../target-outcomes.js';

interface SessionsCliOptions {
  path?: string;
  version?: string;
}

type VersionSessions = SessionsReport['versions'][number];

/** `tomcat-pd sessions --path P [--version V]`: a read on every selected target; it never expires a session. */
export async function run(context: CliContext, _args: unknown[], options: SessionsCliOptions): Promise<void> {
  // Bad input is refused before connecting, not reported once per target.
  const path = validateContextPath(context.requirePath(options.path));
  if (options.version !== undefined && options.version !== '') validateVersion(options.version);
  const clients = await context.clients();
  const outcomes = await onEachTarget(
    clients,
    (client) =>
      getSessions(client, {
        path,
        ...(options.version === undefined ? {} : { version: options.version }),
        signal: context.signal,
      }),
    { parallel: context.parallel },
  );
  reportOutcomes(context, outcomes, {
    document: sessionsDocument,
    render: (reports, several) => renderSessions(reports, several, context),
  });
}

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
export function renderSessions(reports: SessionsReport[], several: boolean, context: CliContext): string {
  return reports
    .map((report) => {
      const blocks = report.versions.map((entry) =>
        renderVersion(report.path, entry, context, several ? report.target : undefined),
      );
      return (several ? blocks : [report.target, ...blocks]).join('\n\n');
    })
    .join('\n\n');
}

/** `[web1 ]/shop##001 (draining): 3 sessions, timeout 30 min` and the idle-time table. */
function renderVersion(
  path: string,
  entry: VersionSessions,
  context: CliContext,
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
    `${displayName(path, entry.version)} (${paintRole(entry.role, context.output.colors)}): ` +
    `${count}, ${timeout}`;
  if (sessions.total === 0) return heading;
  const rows = sessions.buckets
    .filter((bucket) => bucket.count > 0)
    .map((bucket) => [`${bucket.label} min`, String(bucket.count)]);
  return `${heading}\n${renderTable(['IDLE', 'SESSIONS'], rows)}`;
}
