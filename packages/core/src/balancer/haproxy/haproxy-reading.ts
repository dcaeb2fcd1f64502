import type { Health, MemberReading } from '../member-state.js';
import { OP_STATE_STOPPED, adminStateOf, type ServerStateRow } from './parse-servers-state.js';
import type { StatRow } from './parse-stat.js';

/**
 * What HAProxy's checks say of a server: `unchecked` when it has no check (`show stat` status
 * `no check`), `down` when its operational state is STOPPED (a failed check, and also every
 * server in maintenance: HAProxy stops it and pauses its checks), else `up`. A server is `up`
 * at once after leaving maintenance, before any check ran (docs/balancers/haproxy.md).
 */
export function healthOf(state: ServerStateRow, stat: StatRow | undefined): Health {
  if (stat?.status === 'no check') return 'unchecked';
  return state.opState === OP_STATE_STOPPED ? 'down' : 'up';
}

/**
 * The members of one backend: `show servers state` (the admin and operational states, in the
 * backend's order) joined with `show stat` (the counters) by server name. `show servers state`
 * decides which servers exist: the admin state is only there (`show stat`'s status says `DOWN`
 * for a drained server whose check fails).
 */
export function joinMembers(
  backend: string,
  states: readonly ServerStateRow[],
  stats: readonly StatRow[],
): MemberReading[] {
  return states
    .filter((state) => state.backend === backend)
    .map((state) => {
      const stat = stats.find((row) => row.proxy === backend && row.server === state.server);
      return {
        name: state.server,
        admin: adminStateOf(state.adminBits),
        health: healthOf(state, stat),
        // Queued requests are bound for this server too: it is not idle while it has any.
        inFlight: stat === undefined ? undefined : stat.current + stat.queued,
        idleSeconds: stat?.lastSessionSeconds,
      };
    });
}
