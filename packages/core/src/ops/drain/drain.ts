import { withAppLock } from '../app-lock.js';
import { describeApp, describeAppAndSmoke, describeApps } from '../app-status.js';
import type { RunContext } from '../run-context.js';
import { sleep } from '../../common/sleep.js';
import type { TrackedVersion } from './drain-tracker.js';
import { AbortedError, ConnectionError } from '../../errors/error-classes.js';
import { ErrorCode } from '../../errors/error-codes.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { planDrainWith, type AppDrainPlan, type DrainDecision } from './plan-drain.js';
import { probeAfter } from '../probe/probe-app.js';
import type { ProbeResult } from '../probe/probe-options.js';
import { isSmokeContextPath } from '../smoke-path.js';
import { describeDrainStep, type DrainStep } from './drain-step.js';
import { checkLeaksAfter, type LeakCheck } from '../leaks/leak-check.js';
import type { UndeployedVersion } from '../leaks/find-leaks.js';
import {
  drainContextOf,
  parseDrainOptions,
  type DrainContext,
  type DrainOptions,
  type DrainSpec,
} from './drain-options.js';

/** `planned`: dry run; `waiting`: drained, but not yet for the whole grace period. */
export type DrainOutcome = DrainStep['outcome'];

/** A version's decision and what became of it. */
export type DrainVersionReport = DrainDecision &
  DrainStep & {
    /** Sessions expired before the undeploy was tried (action `expire-then-undeploy`). */
    expiredSessions?: number;
    /** What happened, in words: why it was skipped, failed or is waiting, what was expired. */
    detail?: string;
  };

export interface DrainReport {
  target: string;
  dryRun: boolean;
  apps: { path: string; live: string | undefined; versions: DrainVersionReport[] }[];
  undeployed: number;
  failed: number;
  /** What the probes after the drain answered (empty without a probe). */
  probes: ProbeResult[];
  /** With `checkLeaks`, when the drain undeployed something: what `findleaks` said. */
  leaks?: LeakCheck | undefined;
}

/** One version on its way through a drain: its decision so far and its latest step. */
interface Item {
  path: string;
  decision: DrainDecision & { expiredSessions?: number };
  step: DrainStep;
}

/**
 * Undeploys every drained version (see {@link planDrain} for what stays and why). Before each
 * undeploy it re-reads the server and re-decides, so a session that arrived meanwhile keeps
 * its version. A failed undeploy is reported and the drain goes on with the others; a lost
 * connection to the Manager ends the drain with `E_CONNECT` (every later step would meet it too).
 */
export async function drain(client: ManagerClient, options: DrainOptions = {}): Promise<DrainReport> {
  return runDrain(client, parseDrainOptions(options), drainContextOf(options));
}

/** {@link drain} with its options checked. */
export async function runDrain(
  client: ManagerClient,
  spec: DrainSpec,
  context: DrainContext,
): Promise<DrainReport> {
  const { path } = spec;
  const entries = await client.list({ signal: context.signal });
  const plans = planDrainWith(
    path === undefined ? describeApps(entries) : describeAppAndSmoke(entries, path),
    spec.plan,
  );
  const planned: Item[] = plans.flatMap((plan) =>
    plan.decisions.map((decision) => ({
      path: plan.path,
      decision,
      step: decision.action === 'keep' ? { outcome: 'kept' } : { outcome: 'planned' },
    })),
  );
  const items = spec.dryRun ? planned : await execute(client, planned, spec, context);
  const apps = plans.map((plan) => ({
    path: plan.path,
    live: plan.live,
    versions: items.filter((item) => item.path === plan.path).map(toReport),
  }));
  const count = (outcome: DrainOutcome) => items.filter((item) => item.step.outcome === outcome).length;
  return {
    target: client.name,
    dryRun: spec.dryRun,
    apps,
    undeployed: count('undeployed'),
    failed: count('failed'),
    probes: spec.dryRun ? [] : await probeChanged(client, plans, items, spec, context),
    leaks: spec.checkLeaks
      ? await checkLeaksAfter(client, undeployedVersions(apps), context.signal)
      : undefined,
  };
}

/** The versions a drain's apps undeployed, for the leak check. */
export function undeployedVersions(apps: DrainReport['apps']): UndeployedVersion[] {
  return apps.flatMap((app) =>
    app.versions
      .filter((entry) => entry.outcome === 'undeployed')
      .map(({ version }) => ({ path: app.path, version })),
  );
}

/** Probes the apps the drain changed (or the one named), where a version is live. */
async function probeChanged(
  client: ManagerClient,
  plans: AppDrainPlan[],
  items: Item[],
  spec: DrainSpec,
  context: RunContext,
): Promise<ProbeResult[]> {
  if (spec.probe === undefined) return [];
  const changed = (app: AppDrainPlan) =>
    app.path === spec.path ||
    items.some((item) => item.path === app.path && item.step.outcome === 'undeployed');
  const probed: ProbeResult[] = [];
  for (const app of plans.filter(
    (plan) => plan.live !== undefined && !isSmokeContextPath(plan.path) && changed(plan),
  )) {
    probed.push(...(await probeAfter(client, app.path, spec.probe, app.live, context)));
  }
  return probed;
}

function toReport({ decision, step }: Item): DrainVersionReport {
  const detail = describeDrainStep(step, decision.expiredSessions);
  return { ...decision, ...step, ...(detail === undefined ? {} : { detail }) };
}

/** Expires, waits out the grace period, then re-checks and undeploys: each step yields new items. */
async function execute(
  client: ManagerClient,
  planned: Item[],
  spec: DrainSpec,
  context: DrainContext,
): Promise<Item[]> {
  const expired = await inTurn(client, planned, (item) => expireIdle(client, item, context));
  const ready = await waitOutGrace(client, expired, spec, context);
  return inTurn(client, ready, (item) =>
    isPending(item) && item.decision.action !== 'keep'
      ? recheckAndUndeploy(client, item, spec, context)
      : item,
  );
}

/** Still planned: not kept, not failed, not waiting. */
function isPending(item: Item): boolean {
  return item.step.outcome === 'planned';
}

/**
 * Runs `step` on each item in turn. A step that fails marks its item `failed` and the drain goes
 * on; an abort ends the drain; a lost connection too, since every later step would meet it.
 */
async function inTurn(
  client: ManagerClient,
  items: Item[],
  step: (item: Item) => Item | Promise<Item>,
): Promise<Item[]> {
  const done: Item[] = [];
  for (const [index, item] of items.entries()) {
    try {
      done.push(await step(item));
    } catch (error) {
      const failure = toTomcatPdError(error);
      if (failure.code === ErrorCode.aborted) throw failure;
      if (failure.code === ErrorCode.connect) {
        throw stoppedByConnectionLoss(client, [...done, ...items.slice(index)], failure);
      }
      done.push({ ...item, step: { outcome: 'failed', error: failure } });
    }
  }
  return done;
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
  items: Item[],
  failure: TomcatPdError,
): ConnectionError {
  const done = items
    .filter((item) => item.step.outcome === 'undeployed')
    .map((item) => `${item.path}##${item.decision.version}`);
  return new ConnectionError(
    `${failure.message} The drain of ${client.name} stopped there; ` +
      `${done.length === 0 ? 'it had undeployed nothing yet' : `it had undeployed ${done.join(', ')}`}.`,
    failure instanceof ConnectionError ? failure : { transient: true },
    {
      url: failure.url,
      hint: 'Run drain again once the Manager answers: it reads the server afresh and finishes what is left.',
      cause: failure,
    },
  );
}

/** Expires the idle sessions of a version whose plan says so; other versions pass as they are. */
async function expireIdle(client: ManagerClient, item: Item, context: RunContext): Promise<Item> {
  const { path, decision } = item;
  if (decision.cause.kind !== 'expire-idle') return item;
  const { idleMinutes } = decision.cause;
  context.logger.info?.(
    `${client.name}: expiring sessions of ${path}##${decision.version} idle for ${idleMinutes}+ minutes`,
  );
  const info = await client.expire({ path, version: decision.version, idleMinutes, signal: context.signal });
  return { ...item, decision: { ...decision, expiredSessions: info.expired ?? 0 } };
}

/**
 * Without a tracker: one sleep of the grace period for the whole cycle. With one (periodic
 * drains): a version is ready once it has been seen drained for the grace period.
 */
async function waitOutGrace(
  client: ManagerClient,
  items: Item[],
  { path, graceMs }: DrainSpec,
  { tracker, signal }: DrainContext,
): Promise<Item[]> {
  const pending = items.filter((item) => isPending(item) && item.decision.action !== 'keep');
  if (tracker === undefined) {
    if (pending.length > 0 && graceMs > 0 && !(await sleep(graceMs, signal))) {
      throw new AbortedError('The drain was aborted during its grace period.');
    }
    return items;
  }
  const tracked = (item: Item): TrackedVersion => ({
    managerUrl: client.managerUrl,
    path: item.path,
    version: item.decision.version,
  });
  // Forget what this drain's scope no longer reports as drained; other targets and apps stay.
  tracker.retainOnly({ managerUrl: client.managerUrl, path }, pending.map(tracked));
  const now = Date.now();
  return items.map((item) => {
    if (!pending.includes(item)) return item;
    const waitedMs = now - tracker.observe(tracked(item), now);
    return waitedMs >= graceMs
      ? item
      : { ...item, step: { outcome: 'waiting', graceLeftMs: graceMs - waitedMs } };
  });
}

async function recheckAndUndeploy(
  client: ManagerClient,
  item: Item,
  spec: DrainSpec,
  { signal, logger }: RunContext,
): Promise<Item> {
  const { path, decision } = item;
  return withAppLock(client.managerUrl, path, async () => {
    // Safety rule 1: decide again on fresh counts right before the undeploy (no expiry this time).
    const fresh = describeApp(await client.list({ signal }), path);
    const [plan] = planDrainWith([fresh], { keep: spec.plan.keep, expireIdleMinutes: undefined });
    const recheck = plan?.decisions.find((candidate) => candidate.version === decision.version);
    if (recheck?.action !== 'undeploy') {
      return { ...item, step: { outcome: 'skipped', recheck: recheck?.cause } satisfies DrainStep };
    }
    logger.info?.(`${client.name}: undeploying ${path}##${decision.version} (${recheck.reason})`);
    await client.undeploy({ path, version: decision.version, signal });
    return { ...item, step: { outcome: 'undeployed' } };
  });
}
