import type { MemoryPool } from '../../manager/parse/types.js';

/** How many versions of one app may be resident on a target before `status` warns. */
export const DEFAULT_MAX_RESIDENT = 5;

/** Above this share of its limit, Metaspace is close to an `OutOfMemoryError: Metaspace`. */
export const METASPACE_WARNING_SHARE = 0.8;

/** An app with more versions resident on one target than the limit allows. */
export interface ResidentOverLimit {
  target: string;
  path: string;
  /** Every version Tomcat lists for the app, stopped ones included: each is a context to undeploy. */
  versions: number;
  max: number;
}

/**
 * The apps of a target with more than `max` versions resident. Each running version holds its
 * own class loader, and every version left behind by a drain that never finished adds one more
 * to Metaspace until the JVM runs out (docs/tomcat-manager.md#resident-versions).
 */
export function residentOverLimit(
  report: { target: string; apps: readonly { path: string; versions: readonly unknown[] }[] },
  max: number = DEFAULT_MAX_RESIDENT,
): ResidentOverLimit[] {
  return report.apps
    .filter((app) => app.versions.length > max)
    .map((app) => ({ target: report.target, path: app.path, versions: app.versions.length, max }));
}

/** The JVM's Metaspace of one target: used, the limit, and the share of it used. */
export interface MetaspaceUse {
  usedBytes: number;
  /** `null`: no limit (no `-XX:MaxMetaspaceSize`), so no share and no warning. */
  maxBytes: number | null;
  /** `usedBytes / maxBytes`, when there is a limit. */
  share: number | undefined;
  /** `share` is over {@link METASPACE_WARNING_SHARE}. */
  nearLimit: boolean;
}

export function metaspaceUse(pool: MemoryPool): MetaspaceUse {
  const share = pool.maxBytes === null || pool.maxBytes <= 0 ? undefined : pool.usedBytes / pool.maxBytes;
  return {
    usedBytes: pool.usedBytes,
    maxBytes: pool.maxBytes,
    share,
    nearLimit: share !== undefined && share > METASPACE_WARNING_SHARE,
  };
}
