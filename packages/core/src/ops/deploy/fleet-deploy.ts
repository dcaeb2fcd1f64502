import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { validateContextPath } from '../../versions/context-name.js';
import { withDefaults, type WithDefaults } from '../../common/defaults.js';
import {
  executeDeploy,
  smokeIfAsked,
  validateProbing,
  type DeployOptions,
  type DeployResult,
} from './deploy.js';
import type { ProbeResult } from '../probe/probe-options.js';
import type { AnalysisReport } from '../../common/analysis-report.js';
import {
  AnalysisError,
  ErrorCode,
  FleetOperationError,
  NoStatusJsonError,
  ProbeError,
  TomcatPdError,
  toTomcatPdError,
  usageError,
  type FleetTargetReport,
} from '../../errors/errors.js';
import { DEFAULT_PARALLEL, firstFailure, mapLimited, withFleetSignal, type Settled } from '../fleet.js';
import { silentLogger } from '../../common/logger.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { chooseVersion, planDeploy, validateDeployOptions, type DeployPlan } from './plan-deploy.js';
import type { UploadProgress } from '../../manager/upload.js';
import { admitWar } from './war-gate.js';
import type { WarCheckReport } from '../../common/check-report.js';
import { rolloutWaves, type RolloutStep } from './rollout-steps.js';

export interface FleetDeployOptions extends Omit<DeployOptions, 'onProgress'> {
  /** How many targets upload at once. @defaultValue 4 */
  parallel?: number | undefined;
  /** Deploy to this many targets first, and to the rest only if it started there. @defaultValue 0 (all at once) */
  canary?: number | undefined;
  /**
   * A progressive rollout, in the targets' order: each step deploys to its targets, runs their
   * probes and analysis, and only then the next starts (`[{ count: 1 }, { percent: 25 }, { percent: 100 }]`).
   * Not with `canary`, which is `[{ count: N }, { percent: 100 }]`.
   */
  steps?: readonly RolloutStep[] | undefined;
  onProgress?:
    | ((progress: UploadProgress & { version: string; displayName: string; target: string }) => void)
    | undefined;
}

const FLEET_DEPLOY_DEFAULTS = {
  parallel: DEFAULT_PARALLEL,
  canary: 0,
  skipCheck: false,
  logger: silentLogger,
} satisfies Partial<FleetDeployOptions>;

type Options = WithDefaults<FleetDeployOptions, typeof FLEET_DEPLOY_DEFAULTS> & { path: string };

export interface FleetDeployResult {
  path: string;
  version: string;
  /** One result per target, in the targets' order. */
  targets: DeployResult[];
  /** The parallel-deployment check of the WAR (its warnings; no errors, or it was refused); `undefined` with `skipCheck`. */
  check?: WarCheckReport | undefined;
}

/** One target with the plan made for it. */
interface Planned {
  client: ManagerClient;
  plan: DeployPlan;
  /** What its smoke test answered (empty without one). */
  smoked: ProbeResult[];
}

/** One target and what the deploy did there so far. */
type Deployed = Planned &
  (
    | { outcome: 'not-started' }
    | { outcome: 'done'; result: DeployResult }
    | { outcome: 'failed'; error: TomcatPdError }
    | { outcome: 'undone'; error?: TomcatPdError | undefined }
  );

/**
 * Deploys one WAR to every target as one version, all or nothing (safety rule 5). Every target
 * is read first; the version is the next counter above the greatest version on any of them, and
 * the ordering invariant must hold on each. Uploads run in parallel (at most `parallel`), after
 * an optional canary. If any target fails, the new version is undeployed from the targets that
 * took it, and a {@link FleetOperationError} reports each target.
 */
export function fleetDeploy(
  clients: readonly ManagerClient[],
  fleetOptions: FleetDeployOptions,
): Promise<FleetDeployResult> {
  return withFleetSignal(fleetOptions.signal, ({ signal }) =>
    deployEverywhere(clients, { ...fleetOptions, signal }),
  );
}

async function deployEverywhere(
  clients: readonly ManagerClient[],
  fleetOptions: FleetDeployOptions,
): Promise<FleetDeployResult> {
  const options = {
    ...withDefaults(fleetOptions, FLEET_DEPLOY_DEFAULTS),
    path: validateContextPath(fleetOptions.path),
  };
  validateDeployOptions(options);
  validateProbing(options);
  if (options.steps !== undefined && options.canary > 0) {
    throw usageError('Give either canary or steps, not both: a canary of N is the steps N, 100%.');
  }
  // Steps that cannot work with these targets are refused before any request.
  rolloutWaves(clients, options);
  const { size, check } = await admitWar(options);
  if (options.analysis !== undefined) await requireStatusJson(clients, options);
  const planned = await planEverywhere(clients, options);
  const { version } = planned;
  const targets = await smokeEverywhere(planned.targets, options);
  const waves = rolloutWaves(targets, options);
  const finished: Deployed[] = [];
  for (const [wave, planned] of waves.entries()) {
    if (waves.length > 1) {
      options.logger.info?.(
        `step ${wave + 1} of ${waves.length}: ${planned.map((target) => target.client.name).join(', ')}`,
      );
    }
    // One target failing undoes the step: the analyses still watching the others end there.
    const stop = new AbortController();
    const settled = options.signal?.aborted
      ? []
      : await mapLimited(planned, options.parallel, (target) =>
          deployOne(target, options, size, stop.signal).catch((error: unknown) => {
            stop.abort();
            throw error;
          }),
        );
    finished.push(...settled.map(deployedFrom));
    const first = options.signal?.aborted ? abortedRollout(wave, waves.length) : firstFailure(settled)?.error;
    if (first !== undefined) {
      const untouched = waves.slice(wave + (settled.length === 0 ? 0 : 1)).flat();
      throw await undoEverywhere(
        [...finished, ...untouched.map((target): Deployed => ({ ...target, outcome: 'not-started' }))],
        first,
        options,
        waves.length > 1 ? ` (step ${wave + 1} of ${waves.length})` : '',
      );
    }
  }
  return {
    path: options.path,
    version,
    targets: finished.flatMap((target) => (target.outcome === 'done' ? [target.result] : [])),
    check,
  };
}

/**
 * An analysis reads the status JSON of every target: a target without it (or whose page cannot
 * be read) refuses the deploy before anything is uploaded anywhere.
 */
async function requireStatusJson(clients: readonly ManagerClient[], options: Options): Promise<void> {
  const reads = await mapLimited(clients, options.parallel, (client) =>
    client.serverMetrics({ signal: options.signal }),
  );
  const failed = firstFailure(reads);
  if (failed === undefined) return;
  if (failed.error instanceof NoStatusJsonError) throw failed.error;
  throw new FleetOperationError(
    failed.error,
    `Cannot read the status page of target ${failed.item.name}, which the analysis needs: ${failed.error.message} Nothing was uploaded.`,
    reads.map((result): FleetTargetReport =>
      result.ok
        ? { target: result.item.name, outcome: 'not-started' }
        : { target: result.item.name, outcome: 'failed', error: result.error },
    ),
  );
}

/** Reads every target, then plans one version for all: nothing is uploaded unless all agree. */
async function planEverywhere(
  clients: readonly ManagerClient[],
  options: Options,
): Promise<{ version: string; targets: Planned[] }> {
  const reads = await mapLimited(clients, options.parallel, (client) =>
    client.list({ signal: options.signal }),
  );
  const read = reads.flatMap((result) => (result.ok ? [{ client: result.item, entries: result.value }] : []));
  const unreadable = firstFailure(reads);
  if (unreadable !== undefined) {
    throw new FleetOperationError(
      unreadable.error,
      `Cannot read target ${unreadable.item.name}: ${unreadable.error.message} Nothing was uploaded.`,
      reads.map((result): FleetTargetReport =>
        result.ok
          ? { target: result.item.name, outcome: 'not-started' }
          : { target: result.item.name, outcome: 'failed', error: result.error },
      ),
    );
  }
  const apps = read.map(({ client, entries }) => ({ client, app: describeApp(entries, options.path) }));
  const version = chooseVersion(
    apps.flatMap(({ app }) => app.versions.map((entry) => entry.version)),
    options,
  );
  const targets = apps.map(({ client, app }) => {
    try {
      return {
        client,
        plan: planDeploy(app, { ...options, version, semver: undefined, buildId: undefined }),
        smoked: [],
      };
    } catch (error) {
      const failure = toTomcatPdError(error);
      throw new FleetOperationError(
        failure,
        `Target ${client.name}: ${failure.message} Nothing was uploaded.`,
        clients.map((each) => ({ target: each.name, outcome: 'not-started' })),
      );
    }
  });
  return { version, targets };
}

function deployOne(
  { client, plan, smoked }: Planned,
  options: Options,
  size: number,
  analysisStop: AbortSignal,
): Promise<DeployResult> {
  return withAppLock(client.managerUrl, plan.path, async () => {
    const result = await executeDeploy(client, plan, {
      ...options,
      size,
      analysisStop,
      onProgress: (progress) => options.onProgress?.({ ...progress, target: client.name }),
    });
    return { ...result, probes: [...smoked, ...result.probes] };
  });
}

/**
 * The smoke test on every target, when one is asked for, before anything is deployed anywhere:
 * one failing target means nothing is deployed.
 */
async function smokeEverywhere(targets: Planned[], options: Options): Promise<Planned[]> {
  if (options.smoke === undefined) return targets;
  const settled = await mapLimited(targets, options.parallel, (target) =>
    smokeIfAsked(target.client, options),
  );
  const refused = firstFailure(settled);
  if (refused !== undefined) {
    throw new FleetOperationError(
      refused.error,
      `The smoke test failed on ${refused.item.client.name}: ${refused.error.message} Nothing was deployed.`,
      settled.map((result): FleetTargetReport =>
        result.ok
          ? { target: result.item.client.name, outcome: 'not-started', probes: result.value }
          : {
              target: result.item.client.name,
              outcome: 'failed',
              error: result.error,
              probes: probesOfError(result.error),
            },
      ),
    );
  }
  return settled.flatMap((result) => (result.ok ? [{ ...result.item, smoked: result.value }] : []));
}

/** The probes a failure carries: those of a failed probe, none for other errors. */
function probesOfError(error: TomcatPdError): ProbeResult[] {
  return error instanceof ProbeError ? [...error.probes] : [];
}

/** What the probes answered on a target so far. */
function probesOf(target: Deployed): ProbeResult[] {
  if (target.outcome === 'done') return target.result.probes;
  return [...target.smoked, ...(target.outcome === 'failed' ? probesOfError(target.error) : [])];
}

/** A signal between two steps (or during one) stops the rollout, and undoes it. */
function abortedRollout(wave: number, waves: number): TomcatPdError {
  return new TomcatPdError(
    ErrorCode.aborted,
    `The rollout was stopped by a signal at step ${wave + 1} of ${waves}.`,
  );
}

/** What the canary analysis found on a target, if one ran to its end there. */
function analysisOf(target: Deployed): AnalysisReport | undefined {
  if (target.outcome === 'done') return target.result.analysis;
  return target.outcome === 'failed' && target.error instanceof AnalysisError
    ? target.error.analysis
    : undefined;
}

function deployedFrom(settled: Settled<Planned, DeployResult>): Deployed {
  return settled.ok
    ? { ...settled.item, outcome: 'done', result: settled.value }
    : { ...settled.item, outcome: 'failed', error: settled.error };
}

/** Undeploys the new version from every target that took it; returns the error to throw. */
async function undoEverywhere(
  targets: Deployed[],
  first: TomcatPdError,
  options: Options,
  where = '',
): Promise<FleetOperationError> {
  const failed = targets.filter((target) => target.outcome === 'failed');
  // A failed target may have taken the version too: its answer was lost, but Tomcat started it
  // (reconcile-deploy leaves such a version running and says so). Safety rule 5: it goes as well.
  const undone = await mapLimited(targets, options.parallel, (target) =>
    target.outcome === 'done' || target.outcome === 'failed'
      ? undoOne(target, options)
      : Promise.resolve(target),
  );
  const stuck = undone.flatMap((result) => (result.ok ? [] : [result.item.client.name]));
  const reports = undone.map((result): FleetTargetReport => {
    const { client, outcome } = result.item;
    const probes = probesOf(result.item);
    const analysis = analysisOf(result.item);
    // Still (or perhaps) deployed there: the report keeps its outcome, with the reason.
    if (!result.ok) return { target: client.name, outcome, error: result.error, probes, analysis };
    const target = result.value;
    return {
      target: client.name,
      outcome: target.outcome,
      error: 'error' in target ? target.error : undefined,
      probes,
      analysis,
    };
  });
  return new FleetOperationError(
    first,
    failed.length === 0
      ? `Deploy of ${targets[0]?.plan.displayName ?? options.path} stopped${where}: ${first.message}`
      : `Deploy of ${targets[0]?.plan.displayName ?? options.path} failed on ${failed.map((target) => target.client.name).join(', ')}${where}: ${first.message}`,
    reports,
    stuck.length > 0
      ? `It may still be on ${stuck.join(', ')}, which could not be read or cleaned up: check status there ` +
          'and undeploy it if it is listed (drain removes a version that failed to start).'
      : 'The version was removed from every target that took it; nothing is left half-deployed.',
  );
}

/** Undeploys the new version from one target if it is there; rejects if it may stay there. */
async function undoOne(target: Deployed, options: Options): Promise<Deployed> {
  const { client, plan } = target;
  const { path, version } = plan;
  const present = await withAppLock(client.managerUrl, path, async () => {
    const listed = (await client.list()).some((entry) => entry.path === path && entry.version === version);
    if (!listed) return false;
    options.logger.info?.(`${client.name}: undeploying ${plan.displayName}: the deploy failed`);
    await client.undeploy({ path, version });
    return true;
  });
  if (!present) return target;
  // Its own deploy had failed, yet its version was there: the error says that it is gone again.
  const error = target.outcome === 'failed' ? target.error : undefined;
  error?.prependHint('It was undeployed again, as the deploy failed as a whole.');
  return { client, plan, smoked: target.smoked, outcome: 'undone', error };
}
