import type { AdminState } from '../../balancer/member-state.js';
import type { AnalysisReport } from '../../common/analysis-report.js';
import type { AnalysisSpec } from '../analyze/analysis-options.js';
import { AnalysisError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { describeApp } from '../app-status.js';
import { describeAnalysis } from '../deploy/live-analysis.js';
import { runFleetDeploy, type FleetDeployContext } from '../deploy/fleet-deploy.js';
import { chooseVersion } from '../deploy/plan-deploy.js';
import { fleetRunContextOf } from '../run-context.js';
import { displayName } from '../../versions/context-name.js';
import { BlueGreenError } from './blue-green-error.js';
import {
  parseBlueGreenDeployOptions,
  type BlueGreenDeployOptions,
  type BlueGreenDeploySpec,
} from './blue-green-options.js';
import type { BlueGreenDeployReport } from './blue-green-report.js';
import { judgeNewColour } from './judge-new-colour.js';
import { previousColourPins } from './pins.js';
import { planBlueGreenDeploy, type SwitchPlan } from './plan-blue-green.js';
import { coloursAfter, stateOf, tellColoursNow, type ColoursNow } from './read-colours.js';
import { retireAfterSwitch, retireColour } from './retire-colour.js';
import { StepLog } from './step-log.js';
import { switchColours, type SwitchStopped } from './switch-colours.js';
import { targetsAre } from './targets-said.js';

/**
 * A blue/green deploy behind the balancers (docs/blue-green.md): the colours told from the
 * balancers (refused, `E_UNSAFE`, when they cannot be); the WAR deployed on the idle colour with
 * every safety of a fleet deploy (its probes go to those Tomcats directly, where no visitor is);
 * then the switch: the idle colour made ready, and only then the live one drained. With
 * `waitDrain`, the old colour is waited for and put in maint, its version kept for a rollback;
 * with an analysis, a bad verdict on the new colour switches back. A failure after the deploy
 * is a {@link BlueGreenError} naming the colour that takes new visitors.
 */
export async function blueGreenDeploy(options: BlueGreenDeployOptions): Promise<BlueGreenDeployReport> {
  const spec = parseBlueGreenDeployOptions(options);
  return runBlueGreenDeploy(spec, { ...fleetRunContextOf(options), onProgress: options.onProgress });
}

/** {@link blueGreenDeploy} with its options checked. */
export async function runBlueGreenDeploy(
  spec: BlueGreenDeploySpec,
  context: FleetDeployContext,
): Promise<BlueGreenDeployReport> {
  const now = await tellColoursNow(spec.balancers, spec.clients, context);
  const plan = planBlueGreenDeploy(now.colours, now.sessions, spec.waitDrain);
  // The next counter is above the versions of both colours: every target must have been read.
  const [unread] = now.unread;
  if (unread !== undefined) {
    const [target, error] = unread;
    throw error.withNote(`Target ${target} could not be read; nothing was changed.`);
  }
  const log = new StepLog(spec.onStep);
  if (plan.draining.length > 0) {
    await log
      .run('wait-idle', plan.draining, () => retireColour(plan.draining, spec, context))
      .catch((caught: unknown) => {
        throw new BlueGreenError(toTomcatPdError(caught), {
          step: 'wait-idle',
          live: plan.live,
          note: `Nothing was deployed; ${targetsAre(plan.live)} still taking new visitors.`,
          steps: log.steps,
        });
      });
  }
  const version = chooseVersion(versionsOf(now, spec.deploy.path), spec.deploy.plan.version);
  const release = displayName(spec.deploy.path, version);
  const next = spec.clients.filter((client) => plan.next.includes(client.name));
  // The analysis reads the status JSON: a Tomcat without it refuses the release before any upload.
  if (spec.analysis !== undefined)
    await Promise.all(next.map((client) => client.serverMetrics({ signal: context.signal })));
  // A deploy failing here is the fleet deploy's own error: cleaned up, no balancer touched.
  const deploy = await log.run('deploy', plan.next, () =>
    runFleetDeploy(
      next,
      { ...spec.deploy, plan: { ...spec.deploy.plan, version: { kind: 'given', version } } },
      context,
    ),
  );
  const before = new Map<string, AdminState>(
    plan.next.map((target) => [target, plan.draining.includes(target) ? 'maint' : stateOf(now, target)]),
  );
  const switched = await switchColours({ to: plan.next, from: plan.live, before }, spec, context, log);
  if (!switched.ok) {
    throw new BlueGreenError(switched.error, {
      step: switched.step,
      live: switched.live,
      note: `${switched.note} ${release} stays deployed on ${plan.next.join(', ')}.`,
      steps: log.steps,
    });
  }
  const analysis =
    spec.analysis === undefined
      ? []
      : await judgeOrSwitchBack(spec, spec.analysis, { plan, next, version, release }, log, context);
  if (spec.waitDrain) await retireAfterSwitch({ from: plan.live, to: plan.next }, spec, context, log);
  return {
    before: now.colours,
    after: await coloursAfter(spec.balancers, spec.clients, context),
    steps: log.steps,
    previous: previousColourPins(spec.balancers, plan.live, spec.deploy.path),
    deploy,
    analysis,
  };
}

/**
 * The new colour judged by its analysis; a bad verdict, a failed or an aborted analysis switches
 * back (see {@link switchBack}) and throws.
 */
async function judgeOrSwitchBack(
  spec: BlueGreenDeploySpec,
  analysis: AnalysisSpec,
  deployed: { plan: SwitchPlan; next: readonly ManagerClient[]; version: string; release: string },
  log: StepLog,
  context: FleetDeployContext,
): Promise<readonly AnalysisReport[]> {
  const { plan, next, version, release } = deployed;
  return log
    .run('analyze', plan.next, async () => {
      const { reports, bad } = await judgeNewColour(
        next,
        { path: spec.deploy.path, version },
        analysis,
        context,
      );
      if (bad !== undefined) throw badVerdict(bad, release, analysis);
      return reports;
    })
    .catch(async (caught: unknown) => {
      throw await switchBack(spec, plan, log, context, toTomcatPdError(caught), release);
    });
}

/** The error of a verdict that sends the visitors back, as `deploy --analyze` words it. */
function badVerdict(bad: AnalysisReport, release: string, limits: AnalysisSpec): AnalysisError {
  const verdict =
    bad.verdict === 'fail'
      ? 'failed its canary analysis'
      : 'had an inconclusive canary analysis, which counts as a failure here';
  return new AnalysisError(`${release} ${verdict} on ${bad.target}: ${describeAnalysis(bad, limits)}.`, bad);
}

/**
 * After a bad verdict (or a failed or aborted analysis): the colour that was live made ready
 * again, then the new one drained. Returns the error to throw, which says so.
 */
async function switchBack(
  spec: BlueGreenDeploySpec,
  plan: { live: readonly string[]; next: readonly string[] },
  log: StepLog,
  context: FleetDeployContext,
  failure: TomcatPdError,
  release: string,
): Promise<TomcatPdError> {
  const change = {
    to: plan.live,
    from: plan.next,
    before: new Map(plan.live.map((target) => [target, 'drain' as const])),
  };
  let stopped: SwitchStopped | undefined;
  await log
    .run('switch-back', plan.live, async () => {
      const switched = await switchColours(change, spec, context, undefined);
      if (switched.ok) return;
      stopped = switched;
      throw switched.error;
    })
    .catch(() => undefined);
  if (stopped === undefined) {
    return failure.withNote(
      `Switched back: ${targetsAre(plan.live)} taking new visitors again, ${targetsAre(plan.next)} drained (${release} stays deployed there).`,
    );
  }
  return new BlueGreenError(failure, {
    step: 'switch-back',
    live: stopped.live,
    note: `The switch back failed too (${stopped.error.message}): ${stopped.note}`,
    steps: log.steps,
  });
}

/** Every version of the app on any target: the next counter is above all of them, on both colours. */
function versionsOf(now: ColoursNow, path: string): string[] {
  return [...now.lists.values()].flatMap((entries) =>
    describeApp(entries, path).versions.map((entry) => entry.version),
  );
}
