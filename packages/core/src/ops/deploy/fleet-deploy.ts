import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { fleetRunContextOf, type FleetRunContext, type FleetRunOptions } from '../run-context.js';
import { executeDeploy, smokeIfAsked, type DeployResult } from './deploy.js';
import type { ProbeResult } from '../probe/probe-options.js';
import type { AnalysisReport } from '../../common/analysis-report.js';
import {
  AbortedError,
  AnalysisError,
  FleetOperationError,
  NoStatusJsonError,
  ProbeError,
  type FleetTargetReport,
} from '../../errors/error-classes.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import { firstFailure, fleetReports, mapLimited, withFleetSignal, type Settled } from '../fleet.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { chooseVersion, planDeployWith, type DeployPlan } from './plan-deploy.js';
import { admitWar, type AdmittedWar } from './war-gate.js';
import type { WarCheckReport } from '../../common/check-report.js';
import {
  parseRolloutOptions,
  rolloutPlan,
  type RolloutOptions,
  type RolloutStep,
  type RolloutWave,
} from './rollout-steps.js';
import { readWarIdentity, type WarIdentity } from '../../war/war-identity.js';
import { displayName } from '../../versions/context-name.js';
import { sleep } from '../../common/sleep.js';
import {
  parseDeployOptions,
  type DeployContext,
  type DeployOptions,
  type DeployProgress,
  type DeploySpec,
} from './deploy-options.js';

export interface FleetDeployOptions
  extends Omit<DeployOptions, 'onProgress'>, RolloutOptions, FleetRunOptions {
  onProgress?: ((progress: FleetDeployProgress) => void) | undefined;
}

/** An upload's progress on one target. */
export type FleetDeployProgress = DeployProgress & { target: string };

/** A fleet deploy's options, checked: the deploy's, and the steps of its rollout. */
export interface FleetDeploySpec extends DeploySpec {
  readonly rollout: readonly RolloutStep[];
}

/** How a fleet deploy runs. */
export interface FleetDeployContext extends FleetRunContext {
  readonly onProgress: ((progress: FleetDeployProgress) => void) | undefined;
}

export interface FleetDeployResult {
  path: string;
  version: string;
  /** One result per target, in the targets' order. */
  targets: DeployResult[];
  /** The parallel-deployment check of the WAR (its warnings; no errors, or it was refused); `undefined` with `skipCheck`. */
  check?: WarCheckReport | undefined;
  /** A manual pause (`pause` in the steps) ended the deploy here: the rest waits for promote or abort. */
  paused?: PausedDeploy | undefined;
}

/** Where a manual pause left a rollout: what a promote from any machine goes on with. */
export interface PausedDeploy {
  /** The steps done (1 after `1, pause, 100%`), of `steps`. */
  afterStep: number;
  steps: number;
  /** The targets that have the version, by name, in their order. */
  took: string[];
  /** The waves still to come, by target name, each with the gate after it. */
  remaining: RolloutWave<string>[];
  /** The WAR the steps so far got. */
  war: WarIdentity;
}

/** Checks a fleet deploy's options before anything is read or sent. @throws UsageError naming what is wrong. */
export function parseFleetDeployOptions(
  options: Omit<FleetDeployOptions, keyof FleetRunOptions | 'onProgress'>,
): FleetDeploySpec {
  return { ...parseDeployOptions(options), rollout: parseRolloutOptions(options) };
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
  const spec = parseFleetDeployOptions(options);
  return runFleetDeploy(clients, spec, { ...fleetRunContextOf(options), onProgress: options.onProgress });
}

/** {@link fleetDeploy} with its options checked. */
export function runFleetDeploy(
  clients: readonly ManagerClient[],
  spec: FleetDeploySpec,
  context: FleetDeployContext,
): Promise<FleetDeployResult> {
  return withFleetSignal(context.signal, ({ signal }) =>
    deployEverywhere(clients, spec, { ...context, signal }),
  );
}

async function deployEverywhere(
  clients: readonly ManagerClient[],
  spec: FleetDeploySpec,
  context: FleetDeployContext,
): Promise<FleetDeployResult> {
  // Steps that cannot work with these targets are refused before any request.
  const gates = rolloutPlan(clients, spec.rollout).map((wave) => wave.pause);
  const war = await admitWar(spec, context);
  // Read before the first upload: a promote must bring the WAR that the first steps got.
  const identity = gates.some((gate) => gate?.pause === 'manual')
    ? await readWarIdentity(spec.warFile)
    : undefined;
  if (spec.analysis !== undefined) await requireStatusJson(clients, context);
  const planned = await planEverywhere(clients, spec, context);
  const targets = await smokeEverywhere(planned.targets, spec, context);
  const waves = rolloutPlan(targets, spec.rollout);
  const end = await rollOut({ waves, earlier: [], stepsBefore: 0, steps: waves.length }, spec, war, context);
  return resultOf(spec.path, planned.version, end, identity, war.check);
}

/** A paused rollout to go on with: its deploy (the version given) and where it stopped. */
export interface ResumeSpec {
  readonly deploy: DeploySpec;
  /** The targets that took the version before the pause. */
  readonly earlier: readonly ManagerClient[];
  /** The waves still to come, with the gate after each. */
  readonly remaining: readonly RolloutWave<ManagerClient>[];
  /** The steps done before the pause, and in all. */
  readonly afterStep: number;
  readonly steps: number;
  /** The WAR that the steps before got (checked by the caller to be `deploy.warFile`). */
  readonly war: WarIdentity;
}

/** A paused rollout read and planned again, nothing changed yet: what {@link runResume} runs. */
export interface ResumePlan {
  readonly spec: ResumeSpec;
  readonly version: string;
  readonly rollout: Rollout;
}

/**
 * Reads and plans the remaining targets of a paused rollout with its version (and checks that
 * their status page can be read, when it runs an analysis). Changes nothing: a failure here
 * leaves the rollout as it was paused.
 */
export function planResume(spec: ResumeSpec, context: FleetRunContext): Promise<ResumePlan> {
  return withFleetSignal(context.signal, async ({ signal }) => {
    const reading = { ...context, signal };
    const remaining = spec.remaining.flatMap((wave) => wave.targets);
    if (spec.deploy.analysis !== undefined) await requireStatusJson(remaining, reading);
    const planned = await planEverywhere(remaining, spec.deploy, reading);
    let next = 0;
    const waves = spec.remaining.map((wave) => ({
      targets: planned.targets.slice(next, (next += wave.targets.length)),
      pause: wave.pause,
    }));
    const earlier = spec.earlier.map((client) => ({
      client,
      plan: earlierPlan(spec.deploy.path, planned.version),
      smoked: [],
    }));
    return {
      spec,
      version: planned.version,
      rollout: { waves, earlier, stepsBefore: spec.afterStep, steps: spec.steps },
    };
  });
}

/**
 * Goes on with a rollout that a manual pause stopped, as planned by {@link planResume}: the
 * remaining waves run as {@link runFleetDeploy}'s do, further pauses included. All or nothing
 * with the targets before the pause: a failure undoes the version on them too. The WAR was
 * checked when the rollout started, and smoke tested then.
 */
export function runResume(plan: ResumePlan, context: FleetDeployContext): Promise<FleetDeployResult> {
  const { spec, version } = plan;
  return withFleetSignal(context.signal, async ({ signal }) => {
    const war = { size: spec.war.size, check: undefined };
    const end = await rollOut(plan.rollout, spec.deploy, war, { ...context, signal });
    return resultOf(spec.deploy.path, version, end, spec.war, undefined);
  });
}

/** What a target that took the version before a pause needs, to be undone with the others. */
function earlierPlan(path: string, version: string): DeployPlan {
  return {
    path,
    version,
    displayName: displayName(path, version),
    previousLive: undefined,
    replacesExisting: false,
  };
}

/** The waves of a rollout from some step on, and the targets that took the version before them. */
interface Rollout {
  waves: RolloutWave<Planned>[];
  earlier: Planned[];
  stepsBefore: number;
  steps: number;
}

/** How the waves ended: every one done, or a manual pause before `rest`. */
interface RolloutEnd {
  finished: Deployed[];
  /** After a manual pause: the step it came after, and the waves still to come. */
  pause: { afterStep: number; steps: number; rest: RolloutWave<Planned>[] } | undefined;
}

/**
 * Runs the waves in turn, each target's probes and analysis before the next wave; between two,
 * a timed pause waits and a manual one ends the run. A failure, or a signal (also during a
 * timed pause), undoes the version on every target that took it, the earlier ones included.
 */
async function rollOut(
  rollout: Rollout,
  spec: DeploySpec,
  war: AdmittedWar,
  context: FleetDeployContext,
): Promise<RolloutEnd> {
  const { waves, steps } = rollout;
  const finished: Deployed[] = rollout.earlier.map((target) => ({ ...target, outcome: 'earlier' }));
  for (const [wave, { targets: planned, pause }] of waves.entries()) {
    const step = rollout.stepsBefore + wave + 1;
    if (steps > 1) {
      context.logger.info?.(
        `step ${step} of ${steps}: ${planned.map((target) => target.client.name).join(', ')}`,
      );
    }
    // One target failing undoes the step: the analyses still watching the others end there.
    const stop = new AbortController();
    const settled = context.signal?.aborted
      ? []
      : await mapLimited(planned, context.parallel, (target) =>
          deployOne(target, spec, war, { ...context, analysisStop: stop.signal }).catch((error: unknown) => {
            stop.abort();
            throw error;
          }),
        );
    finished.push(...settled.map(deployedFrom));
    const first = context.signal?.aborted ? abortedRollout(step, steps) : firstFailure(settled)?.error;
    if (first !== undefined) {
      const untouched = waves.slice(wave + (settled.length === 0 ? 0 : 1)).flatMap((each) => each.targets);
      throw await undoEverywhere(
        [...finished, ...untouched.map((target): Deployed => ({ ...target, outcome: 'not-started' }))],
        first,
        spec,
        context,
        steps > 1 ? ` (step ${step} of ${steps})` : '',
      );
    }
    if (pause?.pause === 'manual') {
      return { finished, pause: { afterStep: step, steps, rest: waves.slice(wave + 1) } };
    }
    if (pause?.pause === 'timed') await waitBetweenSteps(pause.ms, step, steps, context);
  }
  return { finished, pause: undefined };
}

/** How often a timed pause says how long it still waits. */
const PAUSE_TICK_MS = 60_000;

/**
 * A timed pause: the version runs on the targets so far while someone watches; the time left is
 * said every minute. A signal ends the wait, and the next step then undoes the rollout as a
 * signal between steps does.
 */
async function waitBetweenSteps(
  ms: number,
  step: number,
  steps: number,
  context: FleetDeployContext,
): Promise<void> {
  context.logger.info?.(`paused ${formatPause(ms)} after step ${step} of ${steps}; Ctrl-C aborts and undoes`);
  for (let left = ms; left > 0;) {
    const wait = Math.min(left, PAUSE_TICK_MS);
    if (!(await sleep(wait, context.signal))) return;
    left -= wait;
    if (left > 0)
      context.logger.info?.(`paused: ${formatPause(left)} left before step ${step + 1} of ${steps}`);
  }
}

/** `10m`, `90s`, `1h30m`: how long a timed pause waits, as `--steps` writes it. */
function formatPause(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const;
  const text = parts.flatMap(([value, unit]) => (value > 0 ? [`${value}${unit}`] : [])).join('');
  return text === '' ? `${ms}ms` : text;
}

/** The result of the waves: the targets this run deployed, and where a manual pause left the rest. */
function resultOf(
  path: string,
  version: string,
  end: RolloutEnd,
  war: WarIdentity | undefined,
  check: WarCheckReport | undefined,
): FleetDeployResult {
  const result = {
    path,
    version,
    targets: end.finished.flatMap((target) => (target.outcome === 'done' ? [target.result] : [])),
    check,
  };
  if (end.pause === undefined || war === undefined) return result;
  const name = (target: Planned) => target.client.name;
  return {
    ...result,
    paused: {
      afterStep: end.pause.afterStep,
      steps: end.pause.steps,
      took: end.finished.map(name),
      remaining: end.pause.rest.map((wave) => ({ targets: wave.targets.map(name), pause: wave.pause })),
      war,
    },
  };
}

/**
 * An analysis reads the status JSON of every target: a target without it (or whose page cannot
 * be read) refuses the deploy before anything is uploaded anywhere.
 */
async function requireStatusJson(clients: readonly ManagerClient[], context: FleetRunContext): Promise<void> {
  const reads = await mapLimited(clients, context.parallel, (client) =>
    client.serverMetrics({ signal: context.signal }),
  );
  const failed = firstFailure(reads);
  if (failed === undefined) return;
  if (failed.error instanceof NoStatusJsonError) throw failed.error;
  throw new FleetOperationError(
    failed.error,
    `Cannot read the status page of target ${failed.item.name}, which the analysis needs: ${failed.error.message} Nothing was uploaded.`,
    fleetReports(reads, (client) => client.name, 'not-started'),
  );
}

/** Reads every target, then plans one version for all: nothing is uploaded unless all agree. */
async function planEverywhere(
  clients: readonly ManagerClient[],
  spec: DeploySpec,
  context: FleetRunContext,
): Promise<{ version: string; targets: Planned[] }> {
  const reads = await mapLimited(clients, context.parallel, (client) =>
    client.list({ signal: context.signal }),
  );
  const read = reads.flatMap((result) => (result.ok ? [{ client: result.item, entries: result.value }] : []));
  const unreadable = firstFailure(reads);
  if (unreadable !== undefined) {
    throw new FleetOperationError(
      unreadable.error,
      `Cannot read target ${unreadable.item.name}: ${unreadable.error.message} Nothing was uploaded.`,
      fleetReports(reads, (client) => client.name, 'not-started'),
    );
  }
  const apps = read.map(({ client, entries }) => ({ client, app: describeApp(entries, spec.path) }));
  const version = chooseVersion(
    apps.flatMap(({ app }) => app.versions.map((entry) => entry.version)),
    spec.plan.version,
  );
  const targets = apps.map(({ client, app }) => {
    try {
      return {
        client,
        plan: planDeployWith(app, { ...spec.plan, version: { kind: 'given', version } }),
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
    /** Took the version before a manual pause, in an earlier run. */
    | { outcome: 'earlier' }
    | { outcome: 'done'; result: DeployResult }
    | { outcome: 'failed'; error: TomcatPdError }
    | { outcome: 'undone'; error?: TomcatPdError | undefined }
  );

function deployOne(
  { client, plan, smoked }: Planned,
  spec: DeploySpec,
  war: AdmittedWar,
  context: FleetDeployContext & { analysisStop: AbortSignal },
): Promise<DeployResult> {
  const targetContext: DeployContext & { analysisStop: AbortSignal } = {
    ...context,
    onProgress: (progress) => context.onProgress?.({ ...progress, target: client.name }),
  };
  return withAppLock(client.managerUrl, plan.path, async () => {
    const result = await executeDeploy(client, plan, spec, war, targetContext);
    return { ...result, probes: [...smoked, ...result.probes] };
  });
}

/**
 * The smoke test on every target, when one is asked for, before anything is deployed anywhere:
 * one failing target means nothing is deployed.
 */
async function smokeEverywhere(
  targets: Planned[],
  spec: DeploySpec,
  context: FleetDeployContext,
): Promise<Planned[]> {
  if (spec.smoke === undefined) return targets;
  const settled = await mapLimited(targets, context.parallel, (target) =>
    smokeIfAsked(target.client, spec, context),
  );
  const refused = firstFailure(settled);
  if (refused !== undefined) {
    throw new FleetOperationError(
      refused.error,
      `The smoke test failed on ${refused.item.client.name}: ${refused.error.message} Nothing was deployed.`,
      fleetReports(
        settled,
        (target) => target.client.name,
        'not-started',
        (result) => ({
          probes: result.ok ? result.value : probesOfError(result.error),
        }),
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
function abortedRollout(step: number, steps: number): TomcatPdError {
  return new AbortedError(`The rollout was stopped by a signal at step ${step} of ${steps}.`);
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
  spec: DeploySpec,
  context: FleetRunContext,
  where = '',
): Promise<FleetOperationError> {
  const failed = targets.filter((target) => target.outcome === 'failed');
  // A failed target may have taken the version too: its answer was lost, but Tomcat started it
  // (reconcile-deploy leaves such a version running and says so). Safety rule 5: it goes as well.
  const undone = await mapLimited(targets, context.parallel, (target) =>
    target.outcome === 'not-started' || target.outcome === 'undone'
      ? Promise.resolve(target)
      : undoOne(target, context),
  );
  const stuck = undone.flatMap((result) => (result.ok ? [] : [result.item.client.name]));
  const reports = undone.map((result): FleetTargetReport => {
    const { client, outcome } = result.item;
    const probes = probesOf(result.item);
    const analysis = analysisOf(result.item);
    // Still (or perhaps) deployed there: the report keeps its outcome, with the reason.
    if (!result.ok) {
      return {
        target: client.name,
        outcome: reported(outcome, 'done'),
        error: result.error,
        probes,
        analysis,
      };
    }
    const target = result.value;
    return {
      target: client.name,
      outcome: reported(target.outcome, 'not-started'),
      error: 'error' in target ? target.error : undefined,
      probes,
      analysis,
    };
  });
  return new FleetOperationError(
    first,
    failed.length === 0
      ? `Deploy of ${targets[0]?.plan.displayName ?? spec.path} stopped${where}: ${first.message}`
      : `Deploy of ${targets[0]?.plan.displayName ?? spec.path} failed on ${failed.map((target) => target.client.name).join(', ')}${where}: ${first.message}`,
    reports,
    stuck.length > 0
      ? `It may still be on ${stuck.join(', ')}, which could not be read or cleaned up: check status there ` +
          'and undeploy it if it is listed (drain removes a version that failed to start).'
      : 'The version was removed from every target that took it; nothing is left half-deployed.',
  );
}

/**
 * A target's outcome in the failure's report. One that took the version before a pause is
 * `earlierIs`: `done` where it may still have it, `not-started` where it was gone already (this
 * run did nothing there).
 */
function reported(
  outcome: Deployed['outcome'],
  earlierIs: 'done' | 'not-started',
): FleetTargetReport['outcome'] {
  return outcome === 'earlier' ? earlierIs : outcome;
}

/** Undeploys the new version from one target if it is there; rejects if it may stay there. */
async function undoOne(target: Deployed, context: FleetRunContext): Promise<Deployed> {
  const { client, plan } = target;
  const { path, version } = plan;
  const present = await withAppLock(client.managerUrl, path, async () => {
    const listed = (await client.list()).some((entry) => entry.path === path && entry.version === version);
    if (!listed) return false;
    context.logger.info?.(`${client.name}: undeploying ${plan.displayName}: the deploy failed`);
    await client.undeploy({ path, version });
    return true;
  });
  if (!present) return target;
  // Its own deploy had failed, yet its version was there: the error says that it is gone again.
  const error =
    target.outcome === 'failed'
      ? target.error.withNote('It was undeployed again, as the deploy failed as a whole.')
      : undefined;
  return { client, plan, smoked: target.smoked, outcome: 'undone', error };
}
