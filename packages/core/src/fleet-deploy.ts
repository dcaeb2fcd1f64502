import { withAppLock } from './app-lock.js';
import { describeApp } from './app-status.js';
import { validateContextPath } from './context-name.js';
import { executeDeploy, type DeployOptions, type DeployResult } from './deploy.js';
import {
  FleetOperationError,
  asTomcatPdError,
  describeTargetError,
  type FleetTargetReport,
  type TomcatPdError,
} from './errors.js';
import { DEFAULT_PARALLEL, mapLimited } from './fleet.js';
import { silentLogger } from './logger.js';
import type { ManagerClient } from './manager-client.js';
import { planDeploy, validateDeployOptions, type DeployPlan } from './plan-deploy.js';
import type { UploadProgress } from './upload.js';
import { nextCounterVersion } from './version-rules.js';
import { checkWarFile } from './war-file.js';

export interface FleetDeployOptions extends Omit<DeployOptions, 'onProgress'> {
  /** How many targets upload at once (default 4). */
  parallel?: number;
  /** Deploy to this many targets first, and to the rest only if it started there (default 0: all at once). */
  canary?: number;
  onProgress?: (progress: UploadProgress & { version: string; displayName: string; target: string }) => void;
}

export interface FleetDeployResult {
  path: string;
  version: string;
  /** One result per target, in the targets' order. */
  targets: DeployResult[];
}

/**
 * Deploys one WAR to every target as one version, all or nothing (safety rule 5). Every target
 * is read first; the version is the next counter above the greatest version on any of them, and
 * the ordering invariant must hold on each. Uploads run in parallel (at most `parallel`), after
 * an optional canary. If any target fails, the new version is undeployed from the targets that
 * took it, and a {@link FleetOperationError} reports each target.
 */
export async function fleetDeploy(
  clients: readonly ManagerClient[],
  options: FleetDeployOptions,
): Promise<FleetDeployResult> {
  const path = validateContextPath(options.path);
  validateDeployOptions(options);
  const { size } = await checkWarFile(options.warFile);
  const plans = await planEverywhere(clients, { ...options, path });
  const reports: FleetTargetReport[] = clients.map((client) => ({
    target: client.name,
    outcome: 'not-started',
  }));
  const results: (DeployResult | undefined)[] = [];
  const canary = Math.min(options.canary ?? 0, clients.length);
  const waves =
    canary > 0 ? [indexes(0, canary), indexes(canary, clients.length)] : [indexes(0, clients.length)];
  for (const wave of waves) {
    const settled = await mapLimited(wave, options.parallel ?? DEFAULT_PARALLEL, (index) =>
      deployOne(clients[index]!, plans[index]!, { ...options, path, size }),
    );
    const failed = record(wave, settled, reports, results);
    if (failed) throw await undoEverywhere(clients, plans, reports, failed, options);
  }
  return { path, version: plans[0]!.version, targets: results.filter((result) => result !== undefined) };
}

/** Reads every target, then plans one version for all: nothing is uploaded unless all agree. */
async function planEverywhere(
  clients: readonly ManagerClient[],
  options: FleetDeployOptions,
): Promise<DeployPlan[]> {
  const reads = await mapLimited(clients, options.parallel ?? DEFAULT_PARALLEL, (client) =>
    client.list({ signal: options.signal }),
  );
  const reports = clients.map((client, index): FleetTargetReport => {
    const read = reads[index]!;
    return read.status === 'fulfilled'
      ? { target: client.name, outcome: 'not-started' }
      : { target: client.name, outcome: 'failed', error: describeTargetError(asTomcatPdError(read.reason)) };
  });
  const unreadable = reads.findIndex((read) => read.status === 'rejected');
  if (unreadable >= 0) {
    const first = asTomcatPdError((reads[unreadable] as PromiseRejectedResult).reason);
    throw new FleetOperationError(
      first,
      `Cannot read target ${clients[unreadable]!.name}: ${first.message} Nothing was uploaded.`,
      reports,
    );
  }
  const apps = reads.map((read) =>
    describeApp(
      (read as PromiseFulfilledResult<Awaited<ReturnType<ManagerClient['list']>>>).value,
      options.path,
    ),
  );
  const version =
    options.version ??
    (options.semver === undefined
      ? nextCounterVersion(
          apps.flatMap((app) => app.versions.map((entry) => entry.version)),
          options.width === undefined ? {} : { width: options.width },
        )
      : undefined);
  return apps.map((app, index) => {
    try {
      return planDeploy(app, { ...options, ...(version === undefined ? {} : { version }) });
    } catch (error) {
      const failure = asTomcatPdError(error);
      throw new FleetOperationError(
        failure,
        `Target ${clients[index]!.name}: ${failure.message} Nothing was uploaded.`,
        reports,
        failure.hint,
      );
    }
  });
}

function deployOne(
  client: ManagerClient,
  plan: DeployPlan,
  options: FleetDeployOptions & { size: number },
): Promise<DeployResult> {
  return withAppLock(client.managerUrl, plan.path, () =>
    executeDeploy(client, plan, {
      ...options,
      onProgress: (progress) => options.onProgress?.({ ...progress, target: client.name }),
    }),
  );
}

/** Records a wave's outcomes; returns the first failure, if any. */
function record(
  wave: number[],
  settled: PromiseSettledResult<DeployResult>[],
  reports: FleetTargetReport[],
  results: (DeployResult | undefined)[],
): TomcatPdError | undefined {
  let first: TomcatPdError | undefined;
  wave.forEach((index, position) => {
    const outcome = settled[position]!;
    if (outcome.status === 'fulfilled') {
      results[index] = outcome.value;
      reports[index] = { target: reports[index]!.target, outcome: 'done' };
    } else {
      const error = asTomcatPdError(outcome.reason);
      first ??= error;
      reports[index] = {
        target: reports[index]!.target,
        outcome: 'failed',
        error: describeTargetError(error),
      };
    }
  });
  return first;
}

/** Undeploys the new version from every target that took it; returns the error to throw. */
async function undoEverywhere(
  clients: readonly ManagerClient[],
  plans: DeployPlan[],
  reports: FleetTargetReport[],
  first: TomcatPdError,
  options: FleetDeployOptions,
): Promise<FleetOperationError> {
  const logger = options.logger ?? silentLogger;
  const done = reports.flatMap((report, index) => (report.outcome === 'done' ? [index] : []));
  const failedTargets = reports
    .filter((report) => report.outcome === 'failed')
    .map((report) => report.target);
  const stuck: string[] = [];
  await mapLimited(done, options.parallel ?? DEFAULT_PARALLEL, async (index) => {
    const { path, version } = plans[index]!;
    logger.info?.(`${clients[index]!.name}: undeploying ${plans[index]!.displayName}: another target failed`);
    try {
      await withAppLock(clients[index]!.managerUrl, path, () => clients[index]!.undeploy({ path, version }));
      reports[index] = { target: reports[index]!.target, outcome: 'undone' };
    } catch (error) {
      // Still deployed there: the report says 'done', with the reason the undeploy failed.
      stuck.push(reports[index]!.target);
      reports[index] = { ...reports[index]!, error: describeTargetError(asTomcatPdError(error)) };
    }
  });
  return new FleetOperationError(
    first,
    `Deploy of ${plans[0]!.displayName} failed on ${failedTargets.join(', ')}: ${first.message}`,
    reports,
    stuck.length > 0
      ? `It could not be undeployed again from ${stuck.join(', ')}: undeploy it there by hand.`
      : 'The version was removed from every target that took it; nothing is left half-deployed.',
  );
}

function indexes(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, offset) => from + offset);
}
