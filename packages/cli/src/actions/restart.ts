import { restartTargets } from '@tomcat-pd/core/balancers';
import { planRestartRoll, redactSecrets } from '@tomcat-pd/core/internal';
import { UsageError } from '@tomcat-pd/core';
import type { CommandLine } from '../command-line.js';
import type { RestartFlags } from '../commands/restart.js';
import type { CliContext } from '../context.js';
import type { ChangeStart } from '../events/change-event.js';
import { parseDuration, parseWholeNumber } from '../flags/flag-values.js';
import { renderRestart, renderRestartPlan, renderStepProgress, restartDocument } from '../render/restart.js';
import { restartRecordFile, startRestartRecord } from '../restart-record.js';
import { targetLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';

interface RestartInput {
  exec: string;
  execOn: 'controller' | 'target';
  maxDrainMs: number | undefined;
  onMaxDrain: 'fail' | 'proceed' | undefined;
  expireIdleMinutes: number | undefined;
  probes: readonly string[];
  execTimeoutMs: number | undefined;
  startTimeoutMs: number | undefined;
  dryRun: boolean;
}

export function parse({ flags, defaults }: CommandLine<RestartFlags>): RestartInput {
  if (flags.exec !== undefined && flags.execOnTarget !== undefined) {
    throw new UsageError("Give --exec (run here) or --exec-on-target (run on each target's host), not both.");
  }
  const exec = flags.exec ?? flags.execOnTarget;
  if (exec === undefined || exec.trim() === '') {
    throw new UsageError(
      'Give the command that restarts one Tomcat: --exec (run here) or --exec-on-target (run on its host over SSH).',
    );
  }
  return {
    exec,
    execOn: flags.execOnTarget === undefined ? 'controller' : 'target',
    maxDrainMs: flags.maxDrain === undefined ? undefined : parseDuration(flags.maxDrain, '--max-drain'),
    onMaxDrain: flags.onMaxDrain,
    expireIdleMinutes:
      flags.expireIdle === undefined ? undefined : parseWholeNumber(flags.expireIdle, '--expire-idle', 1),
    probes: flags.probe ?? defaults.probe ?? [],
    execTimeoutMs:
      flags.execTimeout === undefined ? undefined : parseDuration(flags.execTimeout, '--exec-timeout'),
    startTimeoutMs:
      flags.startTimeout === undefined ? undefined : parseDuration(flags.startTimeout, '--start-timeout'),
    dryRun: flags.dryRun === true,
  };
}

export function change(input: RestartInput): ChangeStart | undefined {
  return input.dryRun ? undefined : { event: 'restart' };
}

/** A restart holds the target lock of every target it restarts. */
export function lock(input: RestartInput): LockRequest | undefined {
  return input.dryRun ? undefined : targetLock('restart');
}

/**
 * `tomcat-pd restart --exec CMD`: every target restarted in turn behind the balancers; each step
 * on stderr as it starts and ends, the command's output there prefixed with its target.
 */
export async function run(context: CliContext, input: RestartInput): Promise<void> {
  const [balancers, clients] = await Promise.all([context.balancers(), context.clients()]);
  // --target orders the roll too (the clients come in config order).
  const targets = context.targetOrder ?? clients.map((client) => client.name);
  if (input.dryRun) {
    const plan = await planRestartRoll(balancers, targets, {
      signal: context.signal,
      logger: context.output.logger,
    });
    context.output.result({ dryRun: true, order: plan.order }, () => renderRestartPlan(plan));
    return;
  }
  // What status, lb status and serve show while the roll runs; removed however it ends.
  const file = restartRecordFile(context.config?.source);
  const record = startRestartRecord({ file, targets, warn: (text) => context.output.warn(text) });
  const report = await restartTargets({
    balancers,
    clients,
    targets,
    exec: input.exec,
    execOn: input.execOn,
    maxDrainMs: input.maxDrainMs,
    onMaxDrain: input.onMaxDrain,
    expireIdleMinutes: input.expireIdleMinutes,
    probes: input.probes,
    execTimeoutMs: input.execTimeoutMs,
    startTimeoutMs: input.startTimeoutMs,
    onStep: (target, step) => {
      record.step(target, step);
      context.output.info(renderStepProgress(target, step));
    },
    // The command's own output is the user's, not our progress: on stderr with --json too.
    onOutput: (target, line) => {
      if (!context.output.quiet)
        context.output.stderrStream.write(`${redactSecrets(`${target}| ${line}`)}\n`);
    },
    signal: context.signal,
    logger: context.output.logger,
  }).finally(() => record.end());
  context.output.result(restartDocument(report), () => renderRestart(report));
}
