import { withAppLock } from './app-lock.js';
import { describeApp } from './app-status.js';
import { validateContextPath } from './context-name.js';
import { ErrorCode, TomcatPdError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import type { ManagerClient } from './manager-client.js';
import { planDeploy, validateDeployOptions, type DeployPlan, type DeployPlanOptions } from './plan-deploy.js';
import { reconcileFailedDeploy } from './reconcile-deploy.js';
import type { UploadProgress } from './upload.js';
import { checkWarFile } from './war-file.js';

export interface DeployOptions extends DeployPlanOptions {
  /** The context path, e.g. `/shop` or `/` for ROOT. */
  path: string;
  warFile: string;
  tag?: string;
  /** Called as bytes move, then once when Tomcat starts the context. */
  onProgress?: (progress: UploadProgress & { version: string; displayName: string }) => void;
  /** Abort an upload when no byte moved for this long (default 30 s). */
  stallTimeoutMs?: number;
  /** How long Tomcat may take to start the context after the upload (default 10 min). */
  startTimeoutMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
}

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
  const { size } = await checkWarFile(options.warFile);
  return withAppLock(client.managerUrl, path, async () => {
    // The list is also the small authenticated read before a large upload.
    const plan = planDeploy(describeApp(await client.list({ signal: options.signal }), path), options);
    return executeDeploy(client, plan, { ...options, size });
  });
}

/**
 * Uploads a planned version and confirms from `list` that it runs and is live; cleans up after
 * a failure. For callers that planned on their own (a fleet plans on every target first).
 * The caller holds the app lock and has checked the WAR (`size` is its length).
 */
export async function executeDeploy(
  client: ManagerClient,
  plan: DeployPlan,
  options: DeployOptions & { size: number },
): Promise<DeployResult> {
  const started = Date.now();
  await upload(client, plan, options);
  const after = describeApp(await client.list({ signal: options.signal }), plan.path);
  await confirmLive(client, plan, after, options.logger ?? silentLogger);
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
  };
}

async function upload(client: ManagerClient, plan: DeployPlan, options: DeployOptions): Promise<void> {
  const logger = options.logger ?? silentLogger;
  logger.info?.(`${client.name}: deploying ${plan.displayName}`);
  try {
    await client.deploy({
      path: plan.path,
      version: plan.version,
      warFile: options.warFile,
      update: plan.replacesExisting,
      ...(options.tag === undefined ? {} : { tag: options.tag }),
      ...(options.stallTimeoutMs === undefined ? {} : { stallTimeoutMs: options.stallTimeoutMs }),
      ...(options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
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
