import { UnsafeOperationError } from '../../errors/error-classes.js';
import { fleetRunContextOf, type RunContext } from '../run-context.js';
import { BlueGreenError } from './blue-green-error.js';
import {
  parseBlueGreenRollbackOptions,
  type BlueGreenRollbackOptions,
  type BlueGreenRollbackSpec,
} from './blue-green-options.js';
import type { BlueGreenRollbackReport } from './blue-green-report.js';
import { previousColourPins } from './pins.js';
import { planSwitch } from './plan-blue-green.js';
import { coloursAfter, stateOf, tellColoursNow, type ColoursNow } from './read-colours.js';
import { retireAfterSwitch } from './retire-colour.js';
import { StepLog } from './step-log.js';
import { switchColours } from './switch-colours.js';

/**
 * A blue/green rollback (docs/blue-green.md): the other colour, which must still run a version
 * of the app (refused, `E_UNSAFE` rule `no-live-version`, nothing changed), is made ready first,
 * each target proven to serve; then the live one is drained. Nothing is undeployed: a deploy
 * after it goes to the colour left. With `waitDrain`, that colour is waited for and put in maint.
 */
export async function blueGreenRollback(options: BlueGreenRollbackOptions): Promise<BlueGreenRollbackReport> {
  return runBlueGreenRollback(parseBlueGreenRollbackOptions(options), fleetRunContextOf(options));
}

/** {@link blueGreenRollback} with its options checked. */
export async function runBlueGreenRollback(
  spec: BlueGreenRollbackSpec,
  context: RunContext,
): Promise<BlueGreenRollbackReport> {
  const now = await tellColoursNow(spec.balancers, spec.clients, context);
  const plan = planSwitch(now.colours);
  const without = withoutApp(now, plan.next, spec.path);
  if (without.length > 0) {
    throw new UnsafeOperationError(
      'no-live-version',
      `Refusing to roll back: no version of ${spec.path} runs on ${without.join(', ')} (or it could not be read). Nothing was changed.`,
      { hint: 'A blue/green rollback goes back to the other colour, which must still run the app.' },
    );
  }
  const log = new StepLog(spec.onStep);
  const before = new Map(plan.next.map((target) => [target, stateOf(now, target)]));
  const switched = await switchColours({ to: plan.next, from: plan.live, before }, spec, context, log);
  if (!switched.ok) {
    throw new BlueGreenError(switched.error, { ...switched, steps: log.steps });
  }
  if (spec.waitDrain) await retireAfterSwitch({ from: plan.live, to: plan.next }, spec, context, log);
  return {
    before: now.colours,
    after: await coloursAfter(spec.balancers, spec.clients, context),
    steps: log.steps,
    previous: previousColourPins(spec.balancers, plan.live, spec.path),
  };
}

/** The targets that run no version of the app (or whose list could not be read). */
function withoutApp(now: ColoursNow, targets: readonly string[], path: string): string[] {
  return targets.filter(
    (target) =>
      !(now.lists.get(target) ?? []).some((entry) => entry.path === path && entry.state === 'running'),
  );
}
