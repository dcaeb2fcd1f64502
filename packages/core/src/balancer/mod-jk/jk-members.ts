/**
 * The members of one lb worker in a `cmd=show&mime=prop` answer of mod_jk's status worker, as
 * typed readings. Pure.
 */
import type { AdminState, Health, MemberReading } from '../member-state.js';
import { jkValue, jkValues, type JkProperties } from './jk-properties.js';

/** The members of the lb worker, or why the answer does not describe one. */
export type JkBalancerRead =
  | {
      readonly ok: true;
      readonly members: readonly MemberReading[];
      readonly generation?: string | undefined;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * mod_jk's activation: ACT takes every request; DIS (disabled) takes only the requests of
 * sessions that live on it, a drain; STP (stopped) takes none, its sticky users go elsewhere.
 */
const ADMIN_OF_ACTIVATION: Readonly<Record<string, AdminState>> = {
  ACT: 'ready',
  DIS: 'drain',
  STP: 'maint',
};

/**
 * mod_jk's `state`: `OK`, `OK/IDLE` (no request yet, or none lately), `OK/BUSY` are usable;
 * `ERR`, `ERR/REC` (recovering), `ERR/FRC` (forced recovery), `ERR/PRB` (probing) are not.
 * Anything else (`N/A`) is not a verdict.
 */
function healthOf(state: string | undefined): Health {
  if (state === undefined) return 'unchecked';
  if (state === 'OK' || state.startsWith('OK/')) return 'up';
  if (state === 'ERR' || state.startsWith('ERR/')) return 'down';
  return 'unchecked';
}

export function readJkBalancer(properties: JkProperties, lb: string): JkBalancerRead {
  const type = jkValue(properties, `worker.${lb}.type`);
  if (type === undefined) return { ok: false, reason: `it shows no worker ${lb}` };
  if (type !== 'lb') return { ok: false, reason: `worker ${lb} is of type ${type}, not lb` };
  const members: MemberReading[] = [];
  for (const name of jkValues(properties, `worker.${lb}.balance_workers`)) {
    const activation = jkValue(properties, `worker.${name}.activation`);
    const admin = activation === undefined ? undefined : ADMIN_OF_ACTIVATION[activation];
    if (admin === undefined) {
      return { ok: false, reason: `member ${name} has activation ${activation ?? '(none)'}` };
    }
    const busy = Number(jkValue(properties, `worker.${name}.busy`));
    members.push({
      name,
      admin,
      health: healthOf(jkValue(properties, `worker.${name}.state`)),
      inFlight: Number.isInteger(busy) && busy >= 0 ? busy : undefined,
    });
  }
  // Set when httpd starts (and by cmd=reset, which only resets counters: a false alarm, the safe way).
  const generation = jkValue(properties, `worker.${lb}.last_reset_at`);
  return { ok: true, members, generation };
}
