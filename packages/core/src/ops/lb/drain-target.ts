import type { ManagerClient } from '../../manager/manager-client.js';
import { usageError } from '../../errors/error-classes.js';
import { withDefaults } from '../../common/defaults.js';
import { runContextOf } from '../run-context.js';
import {
  parseTargetStateOptions,
  runTargetState,
  type TargetStateOptions,
  type TargetStateReport,
} from './set-target-state.js';
import { DRAIN_TARGET_DEFAULTS } from './drain-defaults.js';
import { drainedMembers, waitDrained, type DrainProgress } from './wait-drained.js';

export interface DrainTargetOptions extends Omit<TargetStateOptions, 'state'> {
  /** The target's Tomcat, read for its sessions while the drain is waited for (needed with `wait`). */
  client?: ManagerClient | undefined;
  /** Wait until no visitor is left (see `waitDrained`). @defaultValue false */
  wait?: boolean | undefined;
  /** How long to wait at most. @defaultValue 3 600 000 (1 h) */
  maxWaitMs?: number | undefined;
  /** Expire the sessions idle at least this long, on each read (shortens the drain; those visitors log in again). */
  expireIdleMinutes?: number | undefined;
  /** Between two reads of the target. @defaultValue 2 000 */
  intervalMs?: number | undefined;
  onProgress?: ((progress: DrainProgress) => void) | undefined;
}

// Checked here, as the defaults live apart (drain-defaults.ts).
DRAIN_TARGET_DEFAULTS satisfies Partial<DrainTargetOptions>;

export interface DrainTargetReport extends TargetStateReport {
  /** The last look at the target, when the drain was waited for. */
  readonly drained: DrainProgress | undefined;
}

/**
 * Drains a target on every balancer that has it (all or nothing, refused for the last member
 * that takes new visitors unless forced: see `setTargetState`), then, with `wait`, waits until
 * its Tomcat holds no visitor's session.
 */
export async function drainTarget(options: DrainTargetOptions): Promise<DrainTargetReport> {
  const spec = parseTargetStateOptions({ ...options, state: 'drain' });
  const { wait, maxWaitMs, intervalMs, expireIdleMinutes } = withDefaults(options, DRAIN_TARGET_DEFAULTS);
  if (!(maxWaitMs > 0)) throw usageError(`The longest wait must be more than 0, not ${maxWaitMs} ms.`);
  if (expireIdleMinutes !== undefined && !(Number.isInteger(expireIdleMinutes) && expireIdleMinutes >= 1)) {
    throw usageError(`Expiring idle sessions takes whole minutes, 1 or more, not ${expireIdleMinutes}.`);
  }
  const { client } = options;
  if (wait && client === undefined)
    throw usageError(`Waiting for ${spec.target} to drain needs its Tomcat (a client).`);
  const context = runContextOf(options);
  const change = await runTargetState(spec, context);
  if (!wait || client === undefined) return { ...change, drained: undefined };
  const drainedOn = await drainedMembers(change.balancers, spec.balancers, context.signal);
  const drained = await waitDrained(
    {
      target: spec.target,
      client,
      balancers: drainedOn,
      maxWaitMs,
      expireIdleMinutes,
      intervalMs,
      onProgress: options.onProgress,
    },
    context,
  );
  return { ...change, drained };
}
