import { displayName, getSessions, type SessionsReport } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { paintRole } from '../render-role.js';
import { renderTable } from '../table.js';

interface SessionsCliOptions {
  path?: string;
  version?: string;
}

type VersionSessions = SessionsReport['versions'][number];

/** `tomcat-pd sessions --path P [--version V]`: a read; it never expires a session. */
export async function run(context: CliContext, _args: unknown[], options: SessionsCliOptions): Promise<void> {
  const path = context.requirePath(options.path);
  const client = await context.client();
  const report = await getSessions(client, {
    path,
    ...(options.version === undefined ? {} : { version: options.version }),
    signal: context.signal,
  });
  context.output.result(sessionsDocument(report), () => renderSessions(report, context));
}

/** The JSON document: one entry per version, each with its target and path, flat for `jq`. */
export function sessionsDocument(report: SessionsReport) {
  return {
    versions: report.versions.map(({ version, role, sessions }) => ({
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
  };
}

function renderSessions(report: SessionsReport, context: CliContext): string {
  const blocks = report.versions.map((entry) => renderVersion(report.path, entry, context));
  return [report.target, ...blocks].join('\n\n');
}

/** `/shop##001 (draining): 3 sessions, timeout 30 min` and the idle-time table. */
function renderVersion(path: string, entry: VersionSessions, context: CliContext): string {
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
    `${displayName(path, entry.version)} (${paintRole(entry.role, context.output.colors)}): ` +
    `${count}, ${timeout}`;
  if (sessions.total === 0) return heading;
  const rows = sessions.buckets
    .filter((bucket) => bucket.count > 0)
    .map((bucket) => [`${bucket.label} min`, String(bucket.count)]);
  return `${heading}\n${renderTable(['IDLE', 'SESSIONS'], rows)}`;
}
