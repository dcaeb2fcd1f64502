import { NoStatusJsonError } from '../../errors/error-classes.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { buildIdOf } from '../../versions/build-id.js';
import { compareVersions } from '../../versions/version-order.js';
import { validateContextPath } from '../../versions/context-name.js';
import type { VersionRole } from '../app-status.js';
import { readMetrics, type AppWithMetrics, type VersionMetrics } from '../metrics/metrics.js';
import { readStatus } from '../status/status.js';

/** One resident version of an app: which build it is, since when, and what it served. */
export interface HistoryEntry {
  version: string;
  /** The build id of a `--build-id` version (`004-3f9c2ab` → `3f9c2ab`). */
  buildId: string | undefined;
  role: VersionRole;
  state: 'running' | 'stopped';
  /** Sessions now, from `list`. */
  sessions: number;
  /** From the status page; `undefined` where the server has none, or for a version that is not started. */
  metrics: VersionMetrics | undefined;
}

export interface HistoryReport {
  target: string;
  path: string;
  /** Whether the server has the status page in JSON (else only what `list` knows). */
  withMetrics: boolean;
  /** When it was read (epoch ms): ages count from then. */
  readAt: number;
  /** Newest first, in Tomcat's order. */
  versions: HistoryEntry[];
}

export interface HistoryOptions {
  path: string;
  signal?: AbortSignal | undefined;
}

/**
 * Every resident version of an app on one target, newest first, with its build id and, from the
 * status page where the server has it, when it was deployed and what it served. A server
 * without the status JSON still answers, with what `list` knows.
 */
export async function getHistory(client: ManagerClient, options: HistoryOptions): Promise<HistoryReport> {
  return readHistory(client, validateContextPath(options.path), options.signal);
}

/** {@link getHistory} of a checked path. */
export async function readHistory(
  client: ManagerClient,
  path: string,
  signal: AbortSignal | undefined,
): Promise<HistoryReport> {
  // History shows no drain ETA: its sessions reads would be wasted.
  const report = await readMetrics(client, { path, drainEta: false }, signal).catch((error: unknown) => {
    if (error instanceof NoStatusJsonError) return undefined;
    throw error;
  });
  const apps: AppWithMetrics[] =
    report?.apps ??
    (await readStatus(client, { path }, signal)).apps.map((app) => ({
      ...app,
      versions: app.versions.map((version) => ({ ...version, metrics: undefined })),
    }));
  const versions = (apps.find((candidate) => candidate.path === path)?.versions ?? [])
    .map((version): HistoryEntry => ({
      version: version.version,
      buildId: buildIdOf(version.version),
      role: version.role,
      state: version.state,
      sessions: version.sessions,
      metrics: version.metrics,
    }))
    .sort((a, b) => compareVersions(b.version, a.version));
  return {
    target: client.name,
    path,
    withMetrics: report !== undefined,
    readAt: report?.readAt ?? Date.now(),
    versions,
  };
}
