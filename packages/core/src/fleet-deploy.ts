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
  const failedTargets = reports
    .filter((report) => report.outcome === 'failed')
    .map((report) => report.target);
  // A failed target may have taken the version too: its answer was lost, but Tomcat started it
  // (reconcile-deploy leaves such a version running and says so). Safety rule 5: it goes as well.
  const candidates = reports.flatMap((report, index) =>
    report.outcome === 'done' || report.outcome === 'failed' ? [index] : [],
  );
  const stuck: string[] = [];
  await mapLimited(candidates, options.parallel ?? DEFAULT_PARALLEL, async (index) => {
    if (!(await undoOne(clients[index]!, plans[index]!, reports, index, options)))
      stuck.push(reports[index]!.target);
  });
  return new FleetOperationError(
    first,
    `Deploy of ${plans[0]!.displayName} failed on ${failedTargets.join(', ')}: ${first.message}`,
    reports,
    stuck.length > 0
      ? `It may still be on ${stuck.join(', ')}, which could not be read or cleaned up: check status there ` +
          'and undeploy it if it is listed (drain removes a version that failed to start).'
      : 'The version was removed from every target that took it; nothing is left half-deployed.',
  );
}

/** Undeploys the new version from one target if it is there; false if it stays there. */
async function undoOne(
  client: ManagerClient,
  plan: DeployPlan,
  reports: FleetTargetReport[],
  index: number,
  options: FleetDeployOptions,
): Promise<boolean> {
  const report = reports[index]!;
  const { path, version } = plan;
  try {
    const present = await withAppLock(client.managerUrl, path, async () => {
      const listed = (await client.list()).some((entry) => entry.path === path && entry.version === version);
      if (!listed) return false;
      (options.logger ?? silentLogger).info?.(
        `${client.name}: undeploying ${plan.displayName}: the deploy failed`,
      );
      await client.undeploy({ path, version });
      return true;
    });
    if (present) {
      const note = 'It was undeployed again, as the deploy failed as a whole.';
      const error = report.error && {
        ...report.error,
        hint: report.error.hint ? `${note} ${report.error.hint}` : note,
      };
      reports[index] = { target: report.target, outcome: 'undone', ...(error ? { error } : {}) };
    }
    return true;
  } catch (error) {
    // Still (or perhaps) deployed there: the report keeps its outcome, with the reason.
    reports[index] = { ...report, error: describeTargetError(asTomcatPdError(error)) };
    return false;
  }
}

function indexes(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, offset) => from + offset);
}
