import { takesNewVisitors } from '../../balancer/member-state.js';
import { UnsafeOperationError } from '../../errors/error-classes.js';
import type { ReadBalancer } from '../lb/plan-target-state.js';

/** Where a restart would leave nobody to take the visitors. */
export interface TooFewReady {
  readonly balancer: string;
  /** Its members that take new visitors now (ready, not down). */
  readonly ready: readonly string[];
}

export interface RestartPlan {
  /** The targets, in the order they are restarted. */
  readonly order: readonly string[];
  /** The balancers with fewer than two members that take new visitors: the restart is refused. */
  readonly tooFewReady: readonly TooFewReady[];
}

/**
 * Pure: the order of the roll, and the balancers (of those that have one of the targets) where
 * fewer than two members take new visitors now: taking one of them out would leave nobody, or
 * the one already out would still be out, so the roll is refused before anything changes.
 */
export function planRestart(read: readonly ReadBalancer[], targets: readonly string[]): RestartPlan {
  const tooFewReady: TooFewReady[] = [];
  for (const { balancer, reading } of read) {
    const members = new Set(targets.map((target) => balancer.memberName(target)));
    if (!reading.members.some((member) => members.has(member.name))) continue;
    const ready = reading.members.filter(takesNewVisitors).map((member) => member.name);
    if (ready.length < 2) tooFewReady.push({ balancer: balancer.name, ready });
  }
  return { order: targets, tooFewReady };
}

/** The refusal of a plan with {@link RestartPlan.tooFewReady}: `E_UNSAFE`, rule `too-few-ready`. */
export function tooFewReadyError(plan: RestartPlan): UnsafeOperationError {
  const where = plan.tooFewReady
    .map(({ balancer, ready }) => `${balancer} (${ready.length === 0 ? 'none' : ready.join(', ')})`)
    .join('; ');
  return new UnsafeOperationError(
    'too-few-ready',
    `Refusing to restart: fewer than two members take new visitors on ${where}, so nobody would take the visitors of the one restarted. Nothing was changed.`,
    { hint: 'Make the other members ready (and up) first.' },
  );
}
