import { setTargetState, type TargetStateReport } from '@tomcat-pd/core/balancers';
import type { CommandLine } from '../command-line.js';
import type { LbMaintFlags } from '../commands/lb.js';
import type { CliContext } from '../context.js';
import type { ChangeStart } from '../events/change-event.js';
import { renderTargetState } from '../render/lb.js';
import { targetLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';

interface LbMaintInput {
  target: string;
  balancer: string | undefined;
  force: boolean;
}

export function parse({ args, flags }: CommandLine<LbMaintFlags>): LbMaintInput {
  return { target: String(args[0]), balancer: flags.balancer, force: flags.force === true };
}

export function change(input: LbMaintInput): ChangeStart {
  return { event: 'lb-maint', targets: [input.target] };
}

/** The target's lock, while its state on the balancers changes. */
export function lock(input: LbMaintInput): LockRequest {
  return targetLock('lb-maint', [input.target]);
}

/** `tomcat-pd lb maint <target>`: no visitors at all there, on every balancer that has it. */
export async function run(context: CliContext, input: LbMaintInput): Promise<void> {
  const report: TargetStateReport = await setTargetState({
    balancers: await context.balancers(),
    target: input.target,
    state: 'maint',
    balancer: input.balancer,
    force: input.force,
    signal: context.signal,
    logger: context.output.logger,
  });
  context.output.result(report, () => renderTargetState(report));
}
