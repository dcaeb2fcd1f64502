import { readyTarget, type TargetStateReport } from '@tomcat-pd/core/balancers';
import type { CommandLine } from '../command-line.js';
import type { LbReadyFlags } from '../commands/lb.js';
import type { CliContext } from '../context.js';
import type { ChangeStart } from '../events/change-event.js';
import { renderTargetState } from '../render/lb.js';
import { clientOf } from './lb-balancers.js';
import { targetLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';

interface LbReadyInput {
  target: string;
  balancer: string | undefined;
  probes: readonly string[];
}

/** The probe paths: --probe, else the config's defaults.probe (paths that make no session). */
export function parse({ args, flags, defaults }: CommandLine<LbReadyFlags>): LbReadyInput {
  return { target: String(args[0]), balancer: flags.balancer, probes: flags.probe ?? defaults.probe ?? [] };
}

export function change(input: LbReadyInput): ChangeStart {
  return { event: 'lb-ready', targets: [input.target] };
}

/** The target's lock, while its state on the balancers changes. */
export function lock(input: LbReadyInput): LockRequest {
  return targetLock('lb-ready', [input.target]);
}

/** `tomcat-pd lb ready <target>`: new visitors again there, once its Tomcat and its apps answer. */
export async function run(context: CliContext, input: LbReadyInput): Promise<void> {
  const report: TargetStateReport = await readyTarget({
    balancers: await context.balancers(),
    target: input.target,
    balancer: input.balancer,
    client: await clientOf(context, input.target),
    probes: input.probes,
    signal: context.signal,
    logger: context.output.logger,
  });
  context.output.result(report, () => renderTargetState(report));
}
