import {
  describeApp,
  describeAppAndSmoke,
  describeApps,
  type AppStatus,
  type VersionRole,
} from '../app-status.js';
import { validateContextPath } from '../../versions/context-name.js';
import { notFoundError } from '../../errors/error-classes.js';
import { validateVersion } from '../../versions/version-rules.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { SessionInfo } from '../../manager/parse/types.js';

export interface StatusReport {
  target: string;
  managerUrl: string;
  apps: AppStatus[];
}

export interface StatusOptions {
  /** Only this app; default: every app on the target. */
  path?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What a read covers, checked: one app, or (`undefined`) every app of the target. */
export interface StatusSpec {
  readonly path: string | undefined;
}

/** Checks a read's options before any request. @throws UsageError for an invalid path. */
export function parseStatusOptions(options: Pick<StatusOptions, 'path'>): StatusSpec {
  return { path: options.path === undefined ? undefined : validateContextPath(options.path) };
}

/** Every app (or one) with each version's state, sessions and role, from a single `list`. */
export async function getStatus(client: ManagerClient, options: StatusOptions = {}): Promise<StatusReport> {
  return readStatus(client, parseStatusOptions(options), options.signal);
}

/** {@link getStatus} with its options checked. */
export async function readStatus(
  client: ManagerClient,
  { path }: StatusSpec,
  signal: AbortSignal | undefined,
): Promise<StatusReport> {
  const entries = await client.list({ signal });
  return {
    target: client.name,
    managerUrl: client.managerUrl,
    apps: path === undefined ? describeApps(entries) : describeAppAndSmoke(entries, path),
  };
}

export interface SessionsReport {
  target: string;
  path: string;
  versions: { version: string; role: VersionRole; sessions: SessionInfo }[];
}

export interface SessionsOptions {
  path: string;
  /** Only this version (`''`: the unversioned context); default: every version of the app. */
  version?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What a sessions read covers, checked. */
export interface SessionsSpec {
  readonly path: string;
  readonly version: string | undefined;
}

/** Checks a sessions read's options before any request. @throws UsageError naming what is wrong. */
export function parseSessionsOptions(options: Pick<SessionsOptions, 'path' | 'version'>): SessionsSpec {
  const { version } = options;
  return {
    path: validateContextPath(options.path),
    version: version === undefined || version === '' ? version : validateVersion(version),
  };
}

/**
 * The idle-time histogram of each version of an app (or of one version). Reads only: the
 * `sessions` command is never sent with `idle`, which would expire sessions.
 */
export async function getSessions(client: ManagerClient, options: SessionsOptions): Promise<SessionsReport> {
  return readSessions(client, parseSessionsOptions(options), options.signal);
}

/** {@link getSessions} with its options checked. */
export async function readSessions(
  client: ManagerClient,
  { path, version }: SessionsSpec,
  signal: AbortSignal | undefined,
): Promise<SessionsReport> {
  const app = describeApp(await client.list({ signal }), path);
  const versions = app.versions.filter((entry) => version === undefined || entry.version === version);
  if (versions.length === 0) {
    throw notFoundError(
      version === undefined
        ? `No version of ${path} is deployed on ${client.name}.`
        : `Version ${version} of ${path} is not deployed on ${client.name}.`,
    );
  }
  const report: SessionsReport = { target: client.name, path, versions: [] };
  for (const entry of versions) {
    const sessions = await client.sessions({ path, version: entry.version, signal });
    report.versions.push({ version: entry.version, role: entry.role, sessions });
  }
  return report;
}
