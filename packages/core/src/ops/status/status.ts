import {
  describeApp,
  describeAppAndSmoke,
  describeApps,
  type AppStatus,
  type VersionRole,
} from '../app-status.js';
import { validateContextPath } from '../../versions/context-name.js';
import { notFoundError } from '../../errors/errors.js';
import { validateVersion } from '../../versions/version-rules.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { SessionInfo } from '../../manager/types.js';

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

/** Every app (or one) with each version's state, sessions and role, from a single `list`. */
export async function getStatus(client: ManagerClient, options: StatusOptions = {}): Promise<StatusReport> {
  const path = options.path === undefined ? undefined : validateContextPath(options.path);
  const entries = await client.list({ signal: options.signal });
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

/**
 * The idle-time histogram of each version of an app (or of one version). Reads only: the
 * `sessions` command is never sent with `idle`, which would expire sessions.
 */
export async function getSessions(client: ManagerClient, options: SessionsOptions): Promise<SessionsReport> {
  const path = validateContextPath(options.path);
  if (options.version !== undefined && options.version !== '') validateVersion(options.version);
  const app = describeApp(await client.list({ signal: options.signal }), path);
  const versions = app.versions.filter(
    (entry) => options.version === undefined || entry.version === options.version,
  );
  if (versions.length === 0) {
    throw notFoundError(
      options.version === undefined
        ? `No version of ${path} is deployed on ${client.name}.`
        : `Version ${options.version} of ${path} is not deployed on ${client.name}.`,
    );
  }
  const report: SessionsReport = { target: client.name, path, versions: [] };
  for (const entry of versions) {
    const sessions = await client.sessions({ path, version: entry.version, signal: options.signal });
    report.versions.push({ version: entry.version, role: entry.role, sessions });
  }
  return report;
}
