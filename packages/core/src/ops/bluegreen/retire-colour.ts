import { runTargetState } from '../lb/set-target-state.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import { waitDrained, type WaitDrainedSpec } from '../lb/wait-drained.js';
import type { RunContext } from '../run-context.js';
import { BlueGreenError } from './blue-green-error.js';
import type { SwitchSpec } from './blue-green-options.js';
import type { StepLog } from './step-log.js';
import { targetsAre } from './targets-said.js';

/**
 * Waits until each drained target of a colour has no visitor left (`waitDrained`: the sessions
 * from before the drain, then requests in flight; at most `maxDrainMs`, then it fails with what
 * is left), then puts it in maint on every balancer. Its versions stay deployed, for a rollback.
 */
export async function retireColour(
  targets: readonly string[],
  spec: SwitchSpec,
  context: RunContext,
): Promise<void> {
  for (const target of targets) {
    const client = spec.clients.find((candidate) => candidate.name === target)!;
    const drained = await waitDrained(
      {
        target,
        client,
        balancers: await drainedOn(target, spec, context),
        maxWaitMs: spec.maxDrainMs,
        expireIdleMinutes: undefined,
        intervalMs: spec.intervalMs,
        onProgress: (progress) => context.logger.debug?.(`${target}: ${progress.sessions} sessions left`),
      },
      context,
    );
    // Sessions begun during the drain (visitors whose session had ended, sent back by their
    // route) are not waited for: maint sends them to the live colour, where they start anew.
    if (drained.sessions > 0) {
      context.logger.warn?.(
        `${target}: ${drained.sessions} sessions begun during the drain end with its maint; those visitors start anew on the live colour.`,
      );
    }
    await runTargetState({ balancers: spec.balancers, target, state: 'maint', force: false }, context);
  }
}

/**
 * The last step of a switch with `waitDrain`: the colour that left waited for and put in maint.
 * A failure leaves it drained (the switch stands): a {@link BlueGreenError} says so.
 */
export async function retireAfterSwitch(
  switched: { from: readonly string[]; to: readonly string[] },
  spec: SwitchSpec,
  context: RunContext,
  log: StepLog,
): Promise<void> {
  await log
    .run('maint', switched.from, () => retireColour(switched.from, spec, context))
    .catch((caught: unknown) => {
      throw new BlueGreenError(toTomcatPdError(caught), {
        step: 'maint',
        live: switched.to,
        note: `The switch is done; ${targetsAre(switched.from)} still drained.`,
        steps: log.steps,
      });
    });
}

/** The balancers that have the target, with its member and their generation now, as `waitDrained` takes them. */
async function drainedOn(
  target: string,
  spec: SwitchSpec,
  { signal }: RunContext,
): Promise<WaitDrainedSpec['balancers']> {
  const readings = await Promise.all(
    spec.balancers.map(async (balancer) => ({ balancer, reading: await balancer.read({ signal }) })),
  );
  return readings.flatMap(({ balancer, reading }) => {
    const member = balancer.memberName(target);
    return reading.members.some((candidate) => candidate.name === member)
      ? [{ balancer, member, generation: reading.generation }]
      : [];
  });
}
