/** How long a drain waits between two reads of the target. */
export const DRAIN_WAIT_INTERVAL_MS = 2_000;

/**
 * `drainTarget`'s defaults, in a module of their own: the command line's help names them at
 * every start, which must not load the operation with them.
 */
export const DRAIN_TARGET_DEFAULTS = {
  wait: false,
  maxWaitMs: 3_600_000,
  intervalMs: DRAIN_WAIT_INTERVAL_MS,
};
