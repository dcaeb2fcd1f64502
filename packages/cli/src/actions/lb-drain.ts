import { drainTarget } from '@tomcat-pd/core/balancers';
import type { CommandLine } from '../command-line.js';
import type { LbDrainFlags } from '../commands/lb.js';
import type { CliContext } from '../context.js';
import type { ChangeStart } from '../events/change-event.js';
import { parseDuration, parseWholeNumber } from '../flags/flag-values.js';
import { renderDrainProgress, renderDrainTarget } from '../render/lb.js';
import { clientOf } from './lb-balancers.js';
import { targetLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';

interface LbDrainInput {
  target: string;
  balancer: string | undefined;
  force: boolean;
  wait: boolean;
  maxWaitMs: number | undefined;
  expireIdleMinutes: number | undefined;
}

export function parse({ args, flags }: CommandLine<LbDrainFlags>): LbDrainInput {
  return {
    target: String(args[0]),
    balancer: flags.balancer,
    force: flags.force === true,
    wait: flags.wait === true,
    maxWaitMs: flags.maxWait === undefined ? undefined : parseDuration(flags.maxWait, '--max-wait'),
    expireIdleMinutes:
      flags.expireIdle === undefined ? undefined : parseWholeNumber(flags.expireIdle, '--expire-idle', 1),
  };
}

export function change(input: LbDrainInput): ChangeStart {
  return { event: 'lb-drain', targets: [input.target] };
}

/** The target's lock, while its state on the balancers changes. */
export function lock(input: LbDrainInput): LockRequest {
  return targetLock('lb-drain', [input.target]);
}

/**
 * `tomcat-pd lb drain <target> [--wait]`: no new visitors there on every balancer that has it;
 * with --wait, until Tomcat holds none of their sessions (progress on stderr).
 */
export async function run(context: CliContext, input: LbDrainInput): Promise<void> {
  const balancers = await context.balancers();
  const report = await drainTarget({
    balancers,
    target: input.target,
    balancer: input.balancer,
    force: input.force,
    client: input.wait ? await clientOf(context, input.target) : undefined,
    wait: input.wait,
    maxWaitMs: input.maxWaitMs,
    expireIdleMinutes: input.expireIdleMinutes,
    onProgress: (progress) => context.output.info(renderDrainProgress(progress)),
    signal: context.signal,
    logger: context.output.logger,
  });
  context.output.result(report, () => renderDrainTarget(report));
}
