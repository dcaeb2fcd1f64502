/**
 * Remembers when each version was first seen drained, so that a drain running every few
 * seconds (`--every`) can wait out the grace period across cycles instead of sleeping in each
 * one (safety rule 10: zero sessions is not zero requests in flight).
 */
export class DrainTracker {
  readonly #firstSeen = new Map<string, number>();

  /** Records a sighting and returns when the version was first seen drained. */
  observe(key: string, now: number): number {
    const first = this.#firstSeen.get(key) ?? now;
    this.#firstSeen.set(key, first);
    return first;
  }

  /**
   * Within the keys that start with `scope`, keeps only the given ones: a version that got a
   * session, or is gone, starts over. Bounds memory for a drain that runs for months.
   */
  retainOnly(scope: string, keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of this.#firstSeen.keys()) {
      if (key.startsWith(scope) && !keep.has(key)) this.#firstSeen.delete(key);
    }
  }

  get size(): number {
    return this.#firstSeen.size;
  }
}
