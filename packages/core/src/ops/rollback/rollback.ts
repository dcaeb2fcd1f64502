import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { validateContextPath } from '../../versions/context-name.js';
import { withDefaults } from '../../common/defaults.js';
import { probeAfter } from '../probe/probe-app.js';
import { validateProbeOptions, type ProbeOptions, type ProbeResult } from '../probe/probe-options.js';
import { ErrorCode, TomcatPdError } from '../../errors/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { checkLeaksAfter, type LeakCheck } from '../leaks/leak-check.js';
import { validateVersion } from '../../versions/version-rules.js';
import { planRollback, type RollbackPlan, type RollbackPlanOptions } from './plan-rollback.js';

export interface RollbackOptions extends RollbackPlanOptions {
  path: string;
  /** Stop the newer versions instead of undeploying them: quick roll-forward, but not durable. @defaultValue false */
  stop?: boolean | undefined;
  /** Probe the version that is live afterwards; the result says how it answered (nothing is redeployed). */
  probe?: ProbeOptions | undefined;
  /**
   * Afterwards, ask Tomcat's `findleaks` whether the class loaders of the versions removed (or
   * stopped) stayed behind (a full GC on the server). @defaultValue false
   */
  checkLeaks?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** @defaultValue a logger that drops everything */
  logger?: Logger | undefined;
}

const ROLLBACK_DEFAULTS = {
  stop: false,
  checkLeaks: false,
  logger: silentLogger,
} satisfies Partial<RollbackOptions>;

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
  const path = validateContextPath(options.path);
  if (options.probe !== undefined) validateProbeOptions(options.probe);
  if (options.to !== undefined && options.to !== '') validateVersion(options.to);
  return withAppLock(client.managerUrl, path, async () => {
    const plan = planRollback(describeApp(await client.list({ signal: options.signal }), path), options);
    return executeRollback(client, plan, options);
  });
}

/**
 * Carries out a rollback plan: undeploys (or stops) every version above the target, the live
 * one last, then confirms the target is live. The caller holds the app lock.
 */
export async function executeRollback(
  client: ManagerClient,
  plan: RollbackPlan,
  rollbackOptions: Omit<RollbackOptions, 'path'>,
): Promise<RollbackResult> {
  const options = withDefaults(rollbackOptions, ROLLBACK_DEFAULTS);
  const { logger } = options;
  const action = options.stop ? 'stop' : 'undeploy';
  const { path } = plan;
  for (const entry of plan.remove) {
    if (action === 'stop' && entry.state === 'stopped') continue;
    logger.info?.(`${client.name}: ${action} ${path}##${entry.version}`);
    await client[action]({ path, version: entry.version, signal: options.signal });
  }
  await confirmLive(client, plan, options.signal);
  const probes = await probeAfter(client, { ...options, path, live: plan.to });
  const versions = plan.remove.map((entry) => entry.version);
  return {
    target: client.name,
    path,
    from: plan.from,
    live: plan.to,
    action: options.stop ? 'stopped' : 'undeployed',
    versions,
    sessionsLost: plan.remove.reduce((sum, entry) => sum + entry.sessions, 0),
    warnings: options.stop
      ? [
          `Stopped versions start again when Tomcat restarts and then take new visitors; undeploy ` +
            `${versions.join(', ')} once the rollback is final.`,
        ]
      : [],
    probes,
    leaks: options.checkLeaks
      ? await checkLeaksAfter(
          client,
          versions.map((version) => ({ path, version })),
          options.signal,
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
