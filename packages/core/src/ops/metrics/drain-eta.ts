import type { SessionInfo } from '../../manager/parse/types.js';

/**
 * Tomcat sweeps expired sessions every `processExpiresFrequency` (6) ticks of the Engine's
 * `backgroundProcessorDelay` (10 s) by default: a session leaves the counts up to a minute after
 * its timeout (docs/tomcat-manager.md#session-count-lag).
 */
export const SESSION_SWEEP_LAG_MS = 60_000;

/**
 * When a version's current sessions are gone if none of their visitors comes back:
 * - `empty`: it has no session now;
 * - `by`: at the latest `inMs` from the reading (its freshest session times out, plus the sweep);
 * - `never`: the app has no session timeout (`-1`), so its sessions only go when they are
 *   invalidated or expired by hand.
 */
export type DrainEta = { kind: 'empty' } | { kind: 'by'; inMs: number } | { kind: 'never' };

/**
 * The drain ETA from a version's idle-time histogram (the `sessions` answer): the session idle
 * the shortest time (the lowest non-empty bucket's lower bound, so at most its real idle time)
 * is the last to time out, `timeout - idle` from now, and leaves the counts at the next sweep.
 * A bucket at or beyond the timeout holds sessions that already timed out and wait for the sweep.
 */
export function drainEta(sessions: SessionInfo): DrainEta {
  const filled = sessions.buckets.filter((bucket) => bucket.count > 0);
  if (filled.length === 0) return { kind: 'empty' };
  const timeoutMinutes = sessions.defaultMaxInactiveMinutes;
  if (timeoutMinutes <= 0) return { kind: 'never' };
  const freshest = Math.min(...filled.map((bucket) => bucket.fromMinutes));
  const leftMs = Math.max(timeoutMinutes - freshest, 0) * 60_000;
  return { kind: 'by', inMs: leftMs + SESSION_SWEEP_LAG_MS };
}
