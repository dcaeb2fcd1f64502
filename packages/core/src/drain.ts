import { setTimeout as sleep } from 'node:timers/promises';
import { withAppLock } from './app-lock.js';
import { describeApp, describeApps } from './app-status.js';
import { validateContextPath } from './context-name.js';
import type { DrainTracker } from './drain-tracker.js';
import { ErrorCode, TomcatPdError, asTomcatPdError, isTomcatPdError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import type { ManagerClient } from './manager-client.js';
import { planDrain, type DrainDecision, type DrainPlanOptions } from './plan-drain.js';

export interface DrainOptions extends DrainPlanOptions {
  /** Only this app; default: every app on the target. */
  path?: string;
  /** How long a version must stay drained before it is undeployed (default 10 s). */
  graceMs?: number;
  /** Return the plan; change nothing. */
  dryRun?: boolean;
  /** Carries grace observations across cycles of a periodic drain, instead of sleeping. */
  tracker?: DrainTracker;
  signal?: AbortSignal;
  logger?: Logger;
}

/** `planned`: dry run; `waiting`: drained, but not yet for the whole grace period. */
export type DrainOutcome = 'planned' | 'kept' | 'waiting' | 'skipped' | 'undeployed' | 'failed';

export interface DrainVersionReport extends DrainDecision {
  outcome: DrainOutcome;
  /** Why it was skipped or failed. */
  detail?: string;
}

export interface DrainReport {
  target: string;
  dryRun: boolean;
  apps: { path: string; live: string | undefined; versions: DrainVersionReport[] }[];
  undeployed: number;
  failed: number;
}

/**
 * Undeploys every drained version (see {@link planDrain} for what stays and why). Before each
 * undeploy it re-reads the server and re-decides, so a session that arrived meanwhile keeps
 * its version. A failed undeploy is reported and the drain goes on with the others; a lost
 * connection to the Manager ends the drain with `E_CONNECT` (every later step would meet it too).
 */
export async function drain(client: ManagerClient, options: DrainOptions = {}): Promise<DrainReport> {
  const path = options.path === undefined ? undefined : validateContextPath(options.path);
  const entries = await client.list({ signal: options.signal });
  const apps = path === undefined ? describeApps(entries) : [describeApp(entries, path)];
  const plans = planDrain(apps, options);
  const reports = plans.map((plan) => ({
    path: plan.path,
    live: plan.live,
    versions: plan.decisions.map((decision): DrainVersionReport => ({
      ...decision,
      outcome: decision.action === 'keep' ? 'kept' : 'planned',
    })),
  }));
  if (!options.dryRun) await execute(client, reports, options, path);
  const all = reports.flatMap((app) => app.versions);
  return {
    target: client.name,
    dryRun: options.dryRun ?? false,
    apps: reports,
    undeployed: all.filter((entry) => entry.outcome === 'undeployed').length,
    failed: all.filter((entry) => entry.outcome === 'failed').length,
  };
}

type AppReport = DrainReport['apps'][number];

async function execute(
  client: ManagerClient,
  reports: AppReport[],
  options: DrainOptions,
  path: string | undefined,
): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const pending = reports.flatMap((app) =>
    app.versions.filter((entry) => entry.action !== 'keep').map((entry) => ({ app, entry })),
  );
  for (const { app, entry } of pending) {
    if (entry.action === 'expire-then-undeploy') {
      const failure = await guarded(entry, () => expireIdle(client, app.path, entry, options, logger));
      if (isConnectionLoss(failure)) throw stoppedByConnectionLoss(client, reports, failure);
    }
  }
  const ready = await waitOutGrace(client, pending, options, path);
  for (const { app, entry } of ready) {
    if (entry.outcome === 'failed') continue;
    const failure = await guarded(entry, () => recheckAndUndeploy(client, app.path, entry, options, logger));
    if (isConnectionLoss(failure)) throw stoppedByConnectionLoss(client, reports, failure);
  }
}

function isConnectionLoss(error: TomcatPdError | undefined): error is TomcatPdError {
  return error?.code === ErrorCode.connect;
}

/**
 * The Manager stopped answering in the middle of a drain (Tomcat killed or restarting): every
 * later step would fail the same way, so the drain ends with that error (`E_CONNECT`, exit 4 in
 * the CLI) instead of a report of versions that merely "failed", and says what it had done.
 * Stopping loses nothing: no plan is carried over, the next drain re-reads the server and
 * decides again (after a restart the counts are new: the sessions may have died with the JVM).
 */
function stoppedByConnectionLoss(
  client: ManagerClient,
  reports: AppReport[],
  failure: TomcatPdError,
): TomcatPdError {
  const done = reports.flatMap((app) =>
    app.versions
      .filter((entry) => entry.outcome === 'undeployed')
      .map((entry) => `${app.path}##${entry.version}`),
  );
  return new TomcatPdError(
    ErrorCode.connect,
    `${failure.message} The drain of ${client.name} stopped there; ` +
      `${done.length === 0 ? 'it had undeployed nothing yet' : `it had undeployed ${done.join(', ')}`}.`,
    {
      ...(failure.url === undefined ? {} : { url: failure.url }),
      hint: 'Run drain again once the Manager answers: it reads the server afresh and finishes what is left.',
      cause: failure,
    },
  );
}

async function expireIdle(
  client: ManagerClient,
  path: string,
  entry: DrainVersionReport,
  options: DrainOptions,
  logger: Logger,
): Promise<void> {
  const idleMinutes = options.expireIdleMinutes ?? 0;
  logger.info?.(
    `${client.name}: expiring sessions of ${path}##${entry.version} idle for ${idleMinutes}+ minutes`,
  );
  const info = await client.expire({ path, version: entry.version, idleMinutes, signal: options.signal });
  const expired = info.expired ?? 0;
  entry.detail = `${expired} idle session${expired === 1 ? '' : 's'} expired`;
}

/**
 * Without a tracker: one sleep of the grace period for the whole cycle. With one (periodic
 * drains): a version is ready once it has been seen drained for the grace period.
 */
async function waitOutGrace(
  client: ManagerClient,
  pending: { app: AppReport; entry: DrainVersionReport }[],
  options: DrainOptions,
  path: string | undefined,
): Promise<typeof pending> {
  const graceMs = options.graceMs ?? 10_000;
  const { tracker } = options;
  if (tracker === undefined) {
    if (pending.length > 0 && graceMs > 0) await pause(graceMs, options.signal);
    return pending;
  }
  const now = Date.now();
  const keyOf = (path: string, version: string) => `${client.managerUrl} ${path}##${version}`;
  // Forget what this drain's scope no longer reports as drained; other targets' keys stay.
  const scope = path === undefined ? `${client.managerUrl} ` : `${client.managerUrl} ${path}##`;
  tracker.retainOnly(
    scope,
    pending.map(({ app, entry }) => keyOf(app.path, entry.version)),
  );
  return pending.filter(({ app, entry }) => {
    const waitedMs = now - tracker.observe(keyOf(app.path, entry.version), now);
    if (waitedMs >= graceMs) return true;
    entry.outcome = 'waiting';
    entry.detail = `drained; waiting ${Math.ceil((graceMs - waitedMs) / 1000)} s more of the grace period`;
    return false;
  });
}

async function recheckAndUndeploy(
  client: ManagerClient,
  path: string,
  entry: DrainVersionReport,
  options: DrainOptions,
  logger: Logger,
): Promise<void> {
  await withAppLock(client.managerUrl, path, async () => {
    // Safety rule 1: decide again on fresh counts right before the undeploy.
    const fresh = describeApp(await client.list({ signal: options.signal }), path);
    const [plan] = planDrain([fresh], { ...options, expireIdleMinutes: undefined });
    const decision = plan?.decisions.find((candidate) => candidate.version === entry.version);
    if (decision?.action !== 'undeploy') {
      entry.outcome = 'skipped';
      entry.detail = decision ? `on re-check: ${decision.reason}` : 'gone on re-check';
      return;
    }
    logger.info?.(`${client.name}: undeploying ${path}##${entry.version} (${decision.reason})`);
    await client.undeploy({ path, version: entry.version, signal: options.signal });
    entry.outcome = 'undeployed';
  });
}

/**
 * Runs one step for one version; a failure is recorded on it and returned (as a TomcatPdError),
 * and an abort ends the drain.
 */
async function guarded(
  entry: DrainVersionReport,
  step: () => Promise<void>,
): Promise<TomcatPdError | undefined> {
  try {
    await step();
    return undefined;
  } catch (error) {
    if (isTomcatPdError(error) && error.code === ErrorCode.aborted) throw error;
    entry.outcome = 'failed';
    entry.detail = isTomcatPdError(error) ? error.message : String(error);
    return asTomcatPdError(error);
  }
}

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw new TomcatPdError(ErrorCode.aborted, 'The drain was aborted during its grace period.');
  }
}
