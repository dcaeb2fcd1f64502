/**
 * How often a watch reads Tomcat's status page, and how a fresh `list` is joined to the last one
 * read. Pure.
 */
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { MIN_ANALYSIS_INTERVAL_MS } from '../analyze/analysis-options.js';
import type { AppWithMetrics, MetricsReport, VersionMetrics } from '../metrics/metrics.js';
import type { StatusReport } from '../status/status.js';

/** The status page of one target, as far as the watch found out. */
export type StatusPageMemory =
  /** Not known yet: not asked (`askedAt` undefined), or the read that asked failed. */
  | { kind: 'unknown'; askedAt: number | undefined }
  /** It answered JSON; `last` is the latest good read, joined to each new `list`. */
  | { kind: 'present'; askedAt: number; last: MetricsReport }
  /** It refused the page (403) while `list` works: asked again after the floor. */
  | { kind: 'refused'; askedAt: number; error: TomcatPdError }
  /** The server has no status JSON (Tomcat before 9.0.83, 10.1.16): never asked again. */
  | { kind: 'absent'; error: TomcatPdError };

/**
 * Whether the next read includes the status page: never more often than every
 * {@link MIN_ANALYSIS_INTERVAL_MS} (its cost on a server with many versions,
 * docs/tomcat-manager.md#status-json), never again on a server without it.
 */
export function statusPageDue(page: StatusPageMemory, now: number): boolean {
  switch (page.kind) {
    case 'absent':
      return false;
    case 'unknown':
      return page.askedAt === undefined || now - page.askedAt >= MIN_ANALYSIS_INTERVAL_MS;
    case 'present':
    case 'refused':
      return now - page.askedAt >= MIN_ANALYSIS_INTERVAL_MS;
  }
}

/**
 * A fresh `list` with the metrics of the last status page read: each version that page listed
 * keeps them, a version deployed since has none until the next one, and a drain ETA stays only
 * while its version is still draining. The report's `readAt` stays the page's (ages and ETAs
 * count from then); without a page, it is the list's `listReadAt`.
 */
export function joinLastMetrics(
  status: StatusReport,
  last: MetricsReport | undefined,
  listReadAt: number,
): MetricsReport {
  const known = new Map<string, VersionMetrics | undefined>();
  for (const app of last?.apps ?? []) {
    for (const version of app.versions) known.set(`${app.path}##${version.version}`, version.metrics);
  }
  const apps: AppWithMetrics[] = status.apps.map((app) => ({
    ...app,
    versions: app.versions.map((version) => {
      const metrics = known.get(`${app.path}##${version.version}`);
      if (metrics === undefined || version.role === 'draining' || metrics.drainEta === undefined)
        return { ...version, metrics };
      const kept = { ...metrics };
      delete kept.drainEta;
      return { ...version, metrics: kept };
    }),
  }));
  return {
    target: status.target,
    managerUrl: status.managerUrl,
    readAt: last === undefined ? listReadAt : last.readAt,
    apps,
    metaspace: last?.metaspace,
  };
}
