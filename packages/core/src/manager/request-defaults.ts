/**
 * How long one request may take and how often a read is tried, unless the caller says otherwise:
 * in a module of their own, as the command line's help names them at every start.
 */
export const REQUEST_DEFAULTS = {
  /** Time-out of one read or command request; uploads use a stall watchdog instead. */
  timeoutMs: 30_000,
  /** Retries of an idempotent read after a transient failure. */
  retries: 3,
  /** First back-off delay; it doubles up to 5 s. */
  retryDelayMs: 250,
} as const;
