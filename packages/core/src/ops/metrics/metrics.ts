import type { AppStatus, VersionStatus } from '../app-status.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { ContextMetrics, MemoryPool, ServerMetrics } from '../../manager/parse/types.js';
import { withDefaults } from '../../common/defaults.js';
import {
  parseStatusOptions,
  readStatus,
  type StatusOptions,
  type StatusReport,
  type StatusSpec,
} from '../status/status.js';
import { drainEta, type DrainEta } from './drain-eta.js';

/** What Tomcat's status page says of one version, and when a draining one will be empty. */
export interface VersionMetrics {
  /** When the version was started (deployed, or started again since), epoch ms; `undefined` if unknown. */
  deployedAt: number | undefined;
  /** Tomcat's own text of that time, in the server's zone (kept when it could not be read). */
  startTime: string;
  /** Sessions created since it started: the visitors it served. */
  sessionsCreated: number;
  requests: number;
  /** Uncaught exceptions and `sendError` answers (404s too), summed over its servlets (docs/tomcat-manager.md#status-json). */
  errors: number;
  /** `errors / requests`; `undefined` without requests. */
  errorRate: number | undefined;
  /** The average life of its expired sessions, in seconds (0 before the first expired). */
  averageSessionSeconds: number;
  /** For a draining version only: when its current sessions are gone if their visitors do not come back. */
  drainEta?: DrainEta;
}

export interface VersionWithMetrics extends VersionStatus {
  /** `undefined`: the status page does not list this version (it is not started). */
  metrics: VersionMetrics | undefined;
}

export interface AppWithMetrics extends Omit<AppStatus, 'versions'> {
  versions: VersionWithMetrics[];
}

export interface MetricsOptions extends StatusOptions {
  /** Read each draining version's `sessions` for its drain ETA (one request each). @defaultValue true */
  drainEta?: boolean | undefined;
}

/** What a metrics read covers, checked. */
export interface MetricsSpec extends StatusSpec {
  readonly drainEta: boolean;
}

/** Checks a metrics read's options before any request. @throws UsageError for an invalid path. */
export function parseMetricsOptions(options: Omit<MetricsOptions, 'signal'>): MetricsSpec {
  const { drainEta } = withDefaults(options, { drainEta: true });
  return { ...parseStatusOptions(options), drainEta };
}

export interface MetricsReport extends Omit<StatusReport, 'apps'> {
  /** When the status page was read (epoch ms): the ETAs count from then. */
  readAt: number;
  apps: AppWithMetrics[];
  /** The JVM's Metaspace, when the server reports it. */
  metaspace: MemoryPool | undefined;
}

/**
 * `list` and the status page of one target, joined per version, with a drain ETA (from its
 * `sessions` histogram) for each draining version. The status page is slow on a server with
 * many versions (docs/tomcat-manager.md#status-json): one read per call.
 *
 * @throws UsageError (`E_USAGE`) when the server has no status JSON (Tomcat before 9.0.83, 10.1.16).
 */
export async function getMetrics(
  client: ManagerClient,
  options: MetricsOptions = {},
): Promise<MetricsReport> {
  return readMetrics(client, parseMetricsOptions(options), options.signal);
}

/** {@link getMetrics} with its options checked. */
export async function readMetrics(
  client: ManagerClient,
  spec: MetricsSpec,
  signal: AbortSignal | undefined,
): Promise<MetricsReport> {
  const server = await client.serverMetrics({ signal });
  const readAt = Date.now();
  const status = await readStatus(client, spec, signal);
  const byVersion = contextsOfManagerHost(server, client.managerUrl);
  const apps: AppWithMetrics[] = [];
  for (const app of status.apps) {
    const versions: VersionWithMetrics[] = [];
    for (const version of app.versions) {
      const context = byVersion.get(`${app.path}##${version.version}`);
      versions.push({
        ...version,
        metrics:
          context === undefined
            ? undefined
            : await metricsOf(client, app.path, version, context, spec.drainEta, signal),
      });
    }
    apps.push({ ...app, versions });
  }
  return {
    target: status.target,
    managerUrl: status.managerUrl,
    readAt,
    apps,
    metaspace: server.memoryPools.find((pool) => pool.name === 'Metaspace'),
  };
}

async function metricsOf(
  client: ManagerClient,
  path: string,
  version: VersionStatus,
  context: ContextMetrics,
  withEta: boolean,
  signal: AbortSignal | undefined,
): Promise<VersionMetrics> {
  const metrics: VersionMetrics = {
    deployedAt: context.startedAt,
    startTime: context.startTime,
    sessionsCreated: context.sessions.created,
    requests: context.requests,
    errors: context.errors,
    errorRate: context.requests === 0 ? undefined : context.errors / context.requests,
    averageSessionSeconds: context.sessions.averageAliveSeconds,
  };
  if (version.role !== 'draining' || !withEta) return metrics;
  const sessions = await client.sessions({ path, version: version.version, signal });
  return { ...metrics, drainEta: drainEta(sessions) };
}

/**
 * The started contexts of the Manager's own host, by `path##version`: the status page lists
 * every host of the engine, `list` only the Manager's, which holds the Manager itself.
 */
export function contextsOfManagerHost(
  server: ServerMetrics,
  managerUrl: string,
): Map<string, ContextMetrics> {
  const managerPath = new URL(managerUrl).pathname.replace(/\/+$/, '') || '/';
  const host = server.contexts.find(
    (context) => context.path === managerPath && context.version === '',
  )?.host;
  return new Map(
    server.contexts
      .filter((context) => context.state === 'STARTED' && (host === undefined || context.host === host))
      .map((context) => [`${context.path}##${context.version}`, context]),
  );
}
