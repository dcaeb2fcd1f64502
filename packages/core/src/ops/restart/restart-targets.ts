import { ErrorCode } from '../../errors/error-codes.js';
import { AbortedError } from '../../errors/error-classes.js';
import { runContextOf, type RunContext } from '../run-context.js';
import type { Balancer } from '../../balancer/balancer.js';
import { readBalancers } from '../lb/set-target-state.js';
import { planRestart, tooFewReadyError, type RestartPlan } from './plan-restart.js';
import { RestartError } from './restart-error.js';
import { parseRestartOptions, type RestartOptions, type RestartSpec } from './restart-options.js';
import type { RestartReport, TargetRestartReport } from './restart-report.js';
import { restartTarget } from './restart-target.js';

/**
 * Restarts every target one by one behind the balancers (`tomcat-pd restart --exec`): each is
 * drained, waited for, put in maint, restarted by the caller's command, checked and made ready
 * before the next. Refused (`E_UNSAFE`, rule `too-few-ready`) before anything changes when fewer
 * than two members take new visitors on a balancer. A failure stops the roll
 * ({@link RestartError}); the targets already done stay done.
 */
export async function restartTargets(options: RestartOptions): Promise<RestartReport> {
  return runRestart(parseRestartOptions(options), runContextOf(options));
}

/**
 * The order of a roll, from every balancer read once (one that cannot be read fails it, nothing
 * changed); refused (`E_UNSAFE`, `too-few-ready`) when fewer than two members take new visitors
 * on a balancer. What `--dry-run` shows, and what a roll checks before it touches anything.
 */
export async function planRestartRoll(
  balancers: readonly Balancer[],
  targets: readonly string[],
  context: RunContext,
): Promise<RestartPlan> {
  const plan = planRestart(await readBalancers(balancers, context), targets);
  if (plan.tooFewReady.length > 0) throw tooFewReadyError(plan);
  return plan;
}

/** {@link restartTargets} with its options checked. */
export async function runRestart(spec: RestartSpec, context: RunContext): Promise<RestartReport> {
  await planRestartRoll(
    spec.balancers,
    spec.clients.map((client) => client.name),
    context,
  );
  const done: TargetRestartReport[] = [];
  for (const [index, client] of spec.clients.entries()) {
    const remaining = spec.clients.slice(index).map((c) => c.name);
    if (context.signal?.aborted === true) throw stoppedBetween(done, remaining);
    const outcome = await restartTarget(client, spec, context);
    if (outcome.ok) {
      done.push(outcome.report);
      continue;
    }
    const { stopped } = outcome;
    throw new RestartError(stopped.error, {
      target: client.name,
      step: stopped.step,
      putBack: stopped.putBack,
      report: { targets: [...done, stopped.report] },
      remaining,
      aborted: stopped.error.code === ErrorCode.aborted,
    });
  }
  // A signal during the last target's checks: it is done, but the caller asked to stop and hears so.
  if (context.signal?.aborted === true) throw stoppedBetween(done, []);
  return { targets: done };
}

/** A signal seen between two targets (or after the last): the ones done stay done, the next is untouched. */
function stoppedBetween(done: readonly TargetRestartReport[], remaining: readonly string[]): RestartError {
  return new RestartError(new AbortedError('A signal stopped the roll.'), {
    target: remaining[0],
    step: undefined,
    putBack: true,
    report: { targets: done },
    remaining,
    aborted: true,
  });
}
