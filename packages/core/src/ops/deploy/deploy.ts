import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { RunContext } from '../run-context.js';
import type { AnalysisReport } from '../../common/analysis-report.js';
import type { ProbeResult } from '../probe/probe-options.js';
import { planDeployWith, type DeployPlan } from './plan-deploy.js';
import { reconcileFailedDeploy } from './reconcile-deploy.js';
import { admitWar, type AdmittedWar } from './war-gate.js';
import { proveLive } from './live-probe.js';
import { proveByAnalysis } from './live-analysis.js';
import { smokeTest } from './smoke-test.js';
import {
  deployContextOf,
  parseDeployOptions,
  type DeployContext,
  type DeployOptions,
  type DeploySpec,
} from './deploy-options.js';

export interface DeployResult {
  target: string;
  path: string;
  version: string;
  displayName: string;
  /** The live version after the deploy: the new one. */
  live: string;
  /** The version that was live before, if any. */
  previousLive: string | undefined;
  /** Sessions that stay on the older running versions. */
  olderVersions: { version: string; sessions: number }[];
  bytes: number;
  durationMs: number;
  /** What the smoke test and the probe after live answered (empty without them). */
  probes: ProbeResult[];
  /** What the canary analysis found, if one ran (its verdict `pass`, or `inconclusive` when kept). */
  analysis?: AnalysisReport | undefined;
}

/**
 * Deploys a WAR as a new version: plan (version, no overwrite, ordering invariant), streamed
 * upload, then confirmation from `list` that it runs and is live. A version that Tomcat kept
 * after `FAIL - ... but context failed to start` is undeployed before this throws, so nothing
 * is left half-deployed and the previous version keeps serving. Never retried blindly.
 *
 * @example
 * const result = await deploy(client, { path: '/shop', warFile: 'target/shop.war' });
 * console.log(`${result.displayName} is live`);
 */
export async function deploy(client: ManagerClient, options: DeployOptions): Promise<DeployResult> {
  const spec = parseDeployOptions(options);
  const context = deployContextOf(options);
  const war = await admitWar(spec, context);
  if (spec.analysis !== undefined) await client.serverMetrics({ signal: context.signal });
  return withAppLock(client.managerUrl, spec.path, async () => {
    // The list is also the small authenticated read before a large upload.
    const plan = planDeployWith(
      describeApp(await client.list({ signal: context.signal }), spec.path),
      spec.plan,
    );
    const smoked = await smokeIfAsked(client, spec, context);
    const result = await executeDeploy(client, plan, spec, war, context);
    return { ...result, probes: [...smoked, ...result.probes] };
  });
}

/** The smoke test, when one is asked for (see smoke-test.ts); no probes otherwise. */
export async function smokeIfAsked(
  client: ManagerClient,
  spec: DeploySpec,
  context: RunContext,
): Promise<ProbeResult[]> {
  return spec.smoke === undefined ? [] : smokeTest(client, spec, spec.smoke, context);
}

/**
 * Uploads a planned version and confirms from `list` that it runs and is live; cleans up after
 * a failure; then the probe and the analysis, when asked for. For callers that planned on their
 * own (a fleet plans on every target first). The caller holds the app lock and admitted the WAR.
 */
export async function executeDeploy(
  client: ManagerClient,
  plan: DeployPlan,
  spec: DeploySpec,
  war: AdmittedWar,
  context: DeployContext & {
    /** Ends the analysis window early (a fleet's step failed elsewhere); see `proveByAnalysis`. */
    analysisStop?: AbortSignal | undefined;
  },
): Promise<DeployResult> {
  const started = Date.now();
  await upload(client, plan, spec, context);
  const after = describeApp(await client.list({ signal: context.signal }), plan.path);
  await confirmLive(client, plan, after, context);
  const probes =
    spec.probe === undefined ? [] : await proveLive(client, plan, spec.probe, Date.now(), context);
  const analysis =
    spec.analysis === undefined
      ? undefined
      : await proveByAnalysis(client, plan, spec.analysis, { ...context, stop: context.analysisStop });
  return {
    target: client.name,
    path: plan.path,
    version: plan.version,
    displayName: plan.displayName,
    live: plan.version,
    previousLive: plan.previousLive,
    olderVersions: after.versions
      .filter((entry) => entry.role !== 'live' && entry.state === 'running')
      .map(({ version, sessions }) => ({ version, sessions })),
    bytes: war.size,
    durationMs: Date.now() - started,
    probes,
    ...(analysis === undefined ? {} : { analysis }),
  };
}

async function upload(
  client: ManagerClient,
  plan: DeployPlan,
  spec: DeploySpec,
  context: DeployContext,
): Promise<void> {
  context.logger.info?.(`${client.name}: deploying ${plan.displayName}`);
  try {
    await client.deploy({
      path: plan.path,
      version: plan.version,
      warFile: spec.warFile,
      update: plan.replacesExisting,
      tag: spec.tag,
      stallTimeoutMs: spec.stallTimeoutMs,
      startTimeoutMs: spec.startTimeoutMs,
      signal: context.signal,
      onProgress: (progress) =>
        context.onProgress?.({ ...progress, version: plan.version, displayName: plan.displayName }),
    });
  } catch (error) {
    throw await reconcileFailedDeploy(client, plan, error, context.logger);
  }
}

/** Tomcat said OK; `list` must agree that the version runs and is the one new visitors get. */
async function confirmLive(
  client: ManagerClient,
  plan: DeployPlan,
  after: ReturnType<typeof describeApp>,
  context: DeployContext,
): Promise<void> {
  const entry = after.versions.find((version) => version.version === plan.version);
  if (entry?.state !== 'running') {
    const failure = new TomcatPdError(
      ErrorCode.operation,
      `Tomcat reported ${plan.displayName} deployed, but list shows it ${entry ? entry.state : 'missing'}.`,
    );
    throw await reconcileFailedDeploy(client, plan, failure, context.logger);
  }
  if (after.live !== plan.version) {
    throw new TomcatPdError(
      ErrorCode.operation,
      `${plan.displayName} runs, but ${after.live ?? 'another version'} is live: another deploy sorted above it meanwhile.`,
      { hint: 'Check status; another process may be deploying this app at the same time.' },
    );
  }
}
