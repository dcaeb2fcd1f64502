/** One version of one app on one Manager, as the tracker knows it. */
export interface TrackedVersion {
  managerUrl: string;
  path: string;
  version: string;
}

/** What a drain covers: one Manager, and one app of it or (without `path`) every app. */
export interface TrackerScope {
  managerUrl: string;
  path?: string | undefined;
}

/**
 * Remembers when each version was first seen drained, so that a drain running every few
 * seconds (`drainPeriodically`) can wait out the grace period across cycles instead of sleeping
 * in each one (safety rule 10: zero sessions is not zero requests in flight).
 */
export class DrainTracker {
  /** Manager URL → app path → version → when first seen drained (ms since the epoch). */
  readonly #firstSeen = new Map<string, Map<string, Map<string, number>>>();

  /** Records a sighting and returns when the version was first seen drained. */
  observe({ managerUrl, path, version }: TrackedVersion, now: number): number {
    const paths = this.#firstSeen.get(managerUrl) ?? new Map<string, Map<string, number>>();
    const versions = paths.get(path) ?? new Map<string, number>();
    const first = versions.get(version) ?? now;
    versions.set(version, first);
    paths.set(path, versions);
    this.#firstSeen.set(managerUrl, paths);
    return first;
  }

  /**
   * Within `scope`, keeps only the given versions: a version that got a session, or is gone,
   * starts over. Versions outside the scope (other targets, other apps) stay. Bounds memory for a
   * drain that runs for months.
   */
  retainOnly(scope: TrackerScope, keep: Iterable<TrackedVersion>): void {
    const paths = this.#firstSeen.get(scope.managerUrl);
    if (paths === undefined) return;
    const kept = new Map<string, Set<string>>();
    for (const { managerUrl, path, version } of keep) {
      if (managerUrl === scope.managerUrl) kept.set(path, (kept.get(path) ?? new Set()).add(version));
    }
    for (const [path, versions] of paths) {
      if (scope.path !== undefined && path !== scope.path) continue;
      for (const version of versions.keys()) {
        if (kept.get(path)?.has(version) !== true) versions.delete(version);
      }
      if (versions.size === 0) paths.delete(path);
    }
    if (paths.size === 0) this.#firstSeen.delete(scope.managerUrl);
  }

  /** How many versions are tracked. */
  get size(): number {
    let count = 0;
    for (const paths of this.#firstSeen.values()) {
      for (const versions of paths.values()) count += versions.size;
    }
    return count;
  }
}
