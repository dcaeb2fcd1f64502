import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { validateContextPath } from '../../versions/context-name.js';
import { withDefaults, type WithDefaults } from '../../common/defaults.js';
import { ErrorCode, TomcatPdError } from '../../errors/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { planDeploy, validateDeployOptions, type DeployPlan, type DeployPlanOptions } from './plan-deploy.js';
import { reconcileFailedDeploy } from './reconcile-deploy.js';
import type { UploadProgress } from '../../manager/upload.js';
import { admitWar } from './war-gate.js';
import { proveLive } from './live-probe.js';
import { proveByAnalysis } from './live-analysis.js';
import { validateAnalysisOptions, type AnalysisOptions } from '../analyze/analysis-options.js';
import type { AnalysisReport } from '../../common/analysis-report.js';
import { smokeTest } from './smoke-test.js';
import { validateProbeOptions, type ProbeOptions, type ProbeResult } from '../probe/probe-options.js';

export interface DeployOptions extends DeployPlanOptions {
  /** The context path, e.g. `/shop` or `/` for ROOT. */
  path: string;
  warFile: string;
  /** Tomcat's tag: a copy of the WAR kept in the manager's work directory. */
  tag?: string | undefined;
  /** Called as bytes move, then once when Tomcat starts the context. */
  onProgress?: ((progress: UploadProgress & { version: string; displayName: string }) => void) | undefined;
  /** Abort an upload when no byte moved for this long. @defaultValue 30 000 (30 s) */
  stallTimeoutMs?: number | undefined;
  /** How long Tomcat may take to start the context after the upload. @defaultValue 600 000 (10 min) */
  startTimeoutMs?: number | undefined;
  /** Probe the new version right after it went live; undo it when it does not answer healthy. */
  probe?: ProbeOptions | undefined;
  /** Before the real deploy, try the WAR under a temporary context path and probe it there. */
  smoke?: ProbeOptions | undefined;
  /**
   * Once live (and after the probe), watch the new version's error rate on Tomcat's status page
   * for a window, and undo it when the rate is too high (see `AnalysisOptions`). Needs the status
   * JSON (Tomcat 8.5.96+, 9.0.83+, 10.1.16+): without it the deploy is refused before any upload.
   */
  analysis?: AnalysisOptions | undefined;
  /**
   * Deploy without the parallel-deployment check (docs/war-check.md), whose errors otherwise
   * refuse the WAR before any request and whose warnings go to the logger. @defaultValue false
   */
  skipCheck?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** @defaultValue a logger that drops everything */
  logger?: Logger | undefined;
}

const DEPLOY_DEFAULTS = { logger: silentLogger, skipCheck: false } satisfies Partial<DeployOptions>;

type Options = WithDefaults<DeployOptions, typeof DEPLOY_DEFAULTS>;

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
  const path = validateContextPath(options.path);
  validateDeployOptions(options);
  validateProbing(options);
  const { size } = await admitWar({ ...withDefaults(options, DEPLOY_DEFAULTS), path });
  if (options.analysis !== undefined) await client.serverMetrics({ signal: options.signal });
  return withAppLock(client.managerUrl, path, async () => {
    // The list is also the small authenticated read before a large upload.
    const plan = planDeploy(describeApp(await client.list({ signal: options.signal }), path), options);
    const smoked = await smokeIfAsked(client, { ...options, path });
    const result = await executeDeploy(client, plan, { ...options, size });
    return { ...result, probes: [...smoked, ...result.probes] };
  });
}

/** The smoke test, when one is asked for (see smoke-test.ts); no probes otherwise. */
export async function smokeIfAsked(
  client: ManagerClient,
  options: Pick<
    DeployOptions,
    'path' | 'warFile' | 'smoke' | 'stallTimeoutMs' | 'startTimeoutMs' | 'signal' | 'logger'
  >,
): Promise<ProbeResult[]> {
  if (options.smoke === undefined) return [];
  return smokeTest(client, { ...options, smoke: options.smoke, logger: options.logger ?? silentLogger });
}

/** Checks the probe, smoke and analysis options before anything is sent. */
export function validateProbing(options: Pick<DeployOptions, 'probe' | 'smoke' | 'analysis'>): void {
  if (options.analysis !== undefined) validateAnalysisOptions(options.analysis);
  if (options.probe !== undefined) validateProbeOptions(options.probe);
  if (options.smoke !== undefined) validateProbeOptions(options.smoke);
}

/**
 * Uploads a planned version and confirms from `list` that it runs and is live; cleans up after
 * a failure. For callers that planned on their own (a fleet plans on every target first).
 * The caller holds the app lock and has checked the WAR (`size` is its length).
 */
export async function executeDeploy(
  client: ManagerClient,
  plan: DeployPlan,
  deployOptions: DeployOptions & {
    size: number;
    /** Ends the analysis window early (a fleet's step failed elsewhere); see `proveByAnalysis`. */
    analysisStop?: AbortSignal | undefined;
  },
): Promise<DeployResult> {
  const options = withDefaults(deployOptions, DEPLOY_DEFAULTS);
  const started = Date.now();
  await upload(client, plan, options);
  const after = describeApp(await client.list({ signal: options.signal }), plan.path);
  await confirmLive(client, plan, after, options.logger);
  const probes =
    options.probe === undefined
      ? []
      : await proveLive(client, plan, { ...options, probe: options.probe, liveSince: Date.now() });
  const analysis =
    options.analysis === undefined
      ? undefined
      : await proveByAnalysis(client, plan, {
          ...options,
          analysis: options.analysis,
          stop: deployOptions.analysisStop,
        });
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
    bytes: options.size,
    durationMs: Date.now() - started,
    probes,
    ...(analysis === undefined ? {} : { analysis }),
  };
}

async function upload(client: ManagerClient, plan: DeployPlan, options: Options): Promise<void> {
  const { warFile, tag, stallTimeoutMs, startTimeoutMs, signal, logger } = options;
  logger.info?.(`${client.name}: deploying ${plan.displayName}`);
  try {
    await client.deploy({
      path: plan.path,
      version: plan.version,
      warFile,
      update: plan.replacesExisting,
      tag,
      stallTimeoutMs,
      startTimeoutMs,
      signal,
      onProgress: (progress) =>
        options.onProgress?.({ ...progress, version: plan.version, displayName: plan.displayName }),
    });
  } catch (error) {
    throw await reconcileFailedDeploy(client, plan, error, logger);
  }
}

/** Tomcat said OK; `list` must agree that the version runs and is the one new visitors get. */
async function confirmLive(
  client: ManagerClient,
  plan: DeployPlan,
  after: ReturnType<typeof describeApp>,
  logger: Logger,
): Promise<void> {
  const entry = after.versions.find((version) => version.version === plan.version);
  if (entry?.state !== 'running') {
    const failure = new TomcatPdError(
      ErrorCode.operation,
      `Tomcat reported ${plan.displayName} deployed, but list shows it ${entry ? entry.state : 'missing'}.`,
    );
    throw await reconcileFailedDeploy(client, plan, failure, logger);
  }
  if (after.live !== plan.version) {
    throw new TomcatPdError(
      ErrorCode.operation,
      `${plan.displayName} runs, but ${after.live ?? 'another version'} is live: another deploy sorted above it meanwhile.`,
      { hint: 'Check status; another process may be deploying this app at the same time.' },
    );
  }
}
