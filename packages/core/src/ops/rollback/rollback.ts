import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { runContextOf, type RunContext } from '../run-context.js';
import { probeAfter } from '../probe/probe-app.js';
import type { ProbeResult } from '../probe/probe-options.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { checkLeaksAfter, type LeakCheck } from '../leaks/leak-check.js';
import { planRollback, type RollbackPlan } from './plan-rollback.js';
import { parseRollbackOptions, type RollbackOptions, type RollbackSpec } from './rollback-options.js';

export interface RollbackResult {
  target: string;
  path: string;
  from: string;
  /** The live version now. */
  live: string;
  action: 'undeployed' | 'stopped';
  /** The versions removed (or stopped), in the order it was done. */
  versions: string[];
  /** Sessions that were on those versions and are lost. */
  sessionsLost: number;
  warnings: string[];
  /** What the probe of the live version answered (empty without one). */
  probes: ProbeResult[];
  /** With `checkLeaks`: what `findleaks` said afterwards. */
  leaks?: LeakCheck | undefined;
}

/**
 * Falls back to an older running version by undeploying (or stopping) every version above it,
 * the live one last so that no in-between version takes new visitors. Refuses when no older
 * running version would take the traffic.
 */
export async function rollback(client: ManagerClient, options: RollbackOptions): Promise<RollbackResult> {
  const spec = parseRollbackOptions(options);
  const context = runContextOf(options);
  return withAppLock(client.managerUrl, spec.path, async () => {
    const app = describeApp(await client.list({ signal: context.signal }), spec.path);
    return executeRollback(client, planRollback(app, spec.plan), spec, context);
  });
}

/**
 * Carries out a rollback plan: undeploys (or stops) every version above the target, the live
 * one last, then confirms the target is live. The caller holds the app lock.
 */
export async function executeRollback(
  client: ManagerClient,
  plan: RollbackPlan,
  spec: RollbackSpec,
  context: RunContext,
): Promise<RollbackResult> {
  const { logger, signal } = context;
  const action = spec.stop ? 'stop' : 'undeploy';
  const { path } = plan;
  for (const entry of plan.remove) {
    if (action === 'stop' && entry.state === 'stopped') continue;
    logger.info?.(`${client.name}: ${action} ${path}##${entry.version}`);
    await client[action]({ path, version: entry.version, signal });
  }
  await confirmLive(client, plan, signal);
  const probes = await probeAfter(client, path, spec.probe, plan.to, context);
  const versions = plan.remove.map((entry) => entry.version);
  return {
    target: client.name,
    path,
    from: plan.from,
    live: plan.to,
    action: spec.stop ? 'stopped' : 'undeployed',
    versions,
    sessionsLost: plan.remove.reduce((sum, entry) => sum + entry.sessions, 0),
    warnings: spec.stop
      ? [
          `Stopped versions start again when Tomcat restarts and then take new visitors; undeploy ` +
            `${versions.join(', ')} once the rollback is final.`,
        ]
      : [],
    probes,
    leaks: spec.checkLeaks
      ? await checkLeaksAfter(
          client,
          versions.map((version) => ({ path, version })),
          signal,
        )
      : undefined,
  };
}

async function confirmLive(client: ManagerClient, plan: RollbackPlan, signal?: AbortSignal): Promise<void> {
  const after = describeApp(await client.list({ signal }), plan.path);
  if (after.live !== plan.to) {
    throw new TomcatPdError(
      ErrorCode.operation,
      `Rollback of ${plan.path} finished, but ${after.live ?? 'no version'} is live instead of ${plan.to}.`,
      { hint: 'Check status: another process may have changed this app meanwhile.' },
    );
  }
}
