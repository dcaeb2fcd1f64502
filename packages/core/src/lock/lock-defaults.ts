/**
 * The lock's defaults (docs/lock.md#expiry), in a module of their own: the command line's help
 * names them at every start, which must not load the lock with them.
 */
export const LOCK_DEFAULTS = {
  /** A record lives 15 min without renewal; it is renewed every third of that. */
  ttlMs: 900_000,
  /** No waiting: three quick tries, then `LockedError`. */
  waitMs: 0,
};
