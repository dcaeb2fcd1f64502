import { withDefaults } from '../../common/defaults.js';
import { sleep } from '../../common/sleep.js';
import { runDrain, undeployedVersions, type DrainReport, type DrainVersionReport } from './drain.js';
import {
  drainContextOf,
  parseDrainOptions,
  type DrainContext,
  type DrainOptions,
  type DrainSpec,
} from './drain-options.js';
import { DrainTracker } from './drain-tracker.js';
import { AbortedError, usageError } from '../../errors/error-classes.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import { failsEveryTime } from '../lasting-failure.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { compareVersions } from '../../versions/version-order.js';
import { drainEta, type DrainEta } from '../metrics/drain-eta.js';
import { LEAK_CHECK_EVERY_MS, checkLeaksAfter } from '../leaks/leak-check.js';

/** One cycle of a repeated drain: its report, or why it failed (Tomcat restarting, say). */
export type DrainCycle = {
  /** The target's name. */
  target: string;
  /** 1, 2, 3, ... */
  cycle: number;
  /** When the cycle started, ISO 8601. */
  startedAt: string;
  /**
   * With `eta` (drainUntilDone): when each version that only waits for its sessions is empty at
   * the latest, if its visitors do not come back (read from its `sessions` histogram).
   */
  etas?: VersionEta[];
} & ({ report: DrainReport; error?: never } | { error: TomcatPdError; report?: never });

/** When a draining version is empty (see `drainEta`). */
export interface VersionEta {
  path: string;
  version: string;
  eta: DrainEta;
}

export interface DrainLoopOptions extends DrainOptions {
  /** Pause between the end of one cycle and the start of the next. */
  intervalMs: number;
  onCycle: (cycle: DrainCycle) => void;
}

/** A periodic drain's options, checked. */
export interface DrainLoopSpec {
  readonly drain: DrainSpec;
  readonly intervalMs: number;
}

/** How a loop of drains runs: one tracker for all its cycles, and who hears of each cycle. */
export interface DrainLoopContext extends DrainContext {
  readonly tracker: DrainTracker;
  readonly onCycle: ((cycle: DrainCycle) => void) | undefined;
}

/** Checks a periodic drain's options before any request. @throws UsageError naming what is wrong. */
export function parseDrainLoopOptions(options: Omit<DrainLoopOptions, 'onCycle'>): DrainLoopSpec {
  if (!(options.intervalMs > 0))
    throw usageError(`A drain's interval must be above 0, not ${options.intervalMs} ms.`);
  return { drain: parseDrainOptions(options), intervalMs: options.intervalMs };
}

/** The run context of a loop's options, with a tracker of its own for its cycles. */
export function drainLoopContextOf(
  options: DrainOptions & { onCycle?: ((cycle: DrainCycle) => void) | undefined },
): DrainLoopContext {
  return { ...drainContextOf(options), tracker: new DrainTracker(), onCycle: options.onCycle };
}

export interface DrainUntilDoneOptions extends DrainOptions {
  /** Give up (with `complete: false`) after this long. */
  timeoutMs: number;
  /**
   * Pause between cycles.
   * @defaultValue the grace period, but at most 5 s and at least 1 s
   */
  pollMs?: number | undefined;
  onCycle?: ((cycle: DrainCycle) => void) | undefined;
  /** Give each cycle the `etas` of the versions that wait for their sessions: one `sessions` read each. @defaultValue false */
  eta?: boolean | undefined;
}

/** A drain-until-done's options, checked and with their defaults. */
export interface DrainWaitSpec {
  readonly drain: DrainSpec;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly eta: boolean;
}

/** Checks a drain-until-done's options before any request. @throws UsageError naming what is wrong. */
export function parseDrainWaitOptions(options: Omit<DrainUntilDoneOptions, 'onCycle'>): DrainWaitSpec {
  const drain = parseDrainOptions(options);
  if (drain.dryRun) throw usageError('Waiting for a drain to finish cannot be a dry run.');
  if (!(options.timeoutMs >= 0))
    throw usageError(`A drain's wait must be 0 or more, not ${options.timeoutMs} ms.`);
  // A grace period shorter than the poll is waited out sooner; 1 s at least, to spare Tomcat.
  const { pollMs, eta } = withDefaults(options, {
    pollMs: Math.min(5_000, Math.max(drain.graceMs, 1_000)),
    eta: false,
  });
  if (!(pollMs > 0)) throw usageError(`A drain's poll interval must be above 0, not ${pollMs} ms.`);
  return { drain, timeoutMs: options.timeoutMs, pollMs, eta };
}

export interface DrainUntilDoneResult extends DrainReport {
  /** No old version is left to go (see {@link pendingVersions}). */
  complete: boolean;
  waitedMs: number;
}

/**
 * What a drain report says is still to go: every version the drain wanted to remove and did
 * not (waiting out the grace period, skipped on re-check, failed, or only planned), and every
 * version kept only because it still has sessions. The live version, roll-forward targets and
 * rollback targets (`keep`) are meant to stay, so they are not pending. Pure.
 */
export function pendingVersions(report: DrainReport): (DrainVersionReport & { path: string })[] {
  return report.apps.flatMap((app) =>
    app.versions
      .filter((entry) => entry.outcome !== 'undeployed')
      .filter((entry) => entry.action !== 'keep' || entry.cause.kind === 'has-sessions')
      .map((entry) => ({ ...entry, path: app.path })),
  );
}

/**
 * Drains every `intervalMs` until `options.signal` aborts, then resolves: an abort is the normal
 * end of a periodic drain. One {@link DrainTracker} is shared by all cycles, so a version is
 * undeployed once it has been seen drained for the grace period, without sleeping (safety rule
 * 10). Cycles never overlap. A cycle that fails (Tomcat restarting: `E_CONNECT`, `E_SERVER`) is
 * reported through `onCycle` and the loop goes on; `E_AUTH`, `E_FORBIDDEN` and `E_USAGE` are
 * thrown instead, since every later cycle would fail the same way.
 *
 * @example
 * const controller = new AbortController();
 * process.once('SIGTERM', () => controller.abort());
 * await drainPeriodically(client, {
 *   intervalMs: 60_000,
 *   signal: controller.signal,
 *   onCycle: (cycle) => console.log(cycle.cycle, cycle.report?.undeployed ?? cycle.error),
 * });
 */
export async function drainPeriodically(client: ManagerClient, options: DrainLoopOptions): Promise<void> {
  return runDrainPeriodically(client, parseDrainLoopOptions(options), drainLoopContextOf(options));
}

/** {@link drainPeriodically} with its options checked. */
export async function runDrainPeriodically(
  client: ManagerClient,
  spec: DrainLoopSpec,
  context: DrainLoopContext,
): Promise<void> {
  // findleaks forces a full GC on the server: at most once an hour, after a cycle that undeployed.
  let lastLeakCheck = Number.NEGATIVE_INFINITY;
  for (let cycle = 1; !context.signal?.aborted; cycle++) {
    const leakCheckDue = spec.drain.checkLeaks && Date.now() - lastLeakCheck >= LEAK_CHECK_EVERY_MS;
    const result = await runCycle(client, { ...spec.drain, checkLeaks: leakCheckDue }, context, cycle);
    if (result === undefined) return;
    if (result.report?.leaks !== undefined) lastLeakCheck = Date.now();
    context.onCycle?.(result);
    if (!(await sleep(spec.intervalMs, context.signal))) return;
  }
}

/**
 * Drains repeatedly (every `pollMs`, one shared {@link DrainTracker}) until no old version is
 * left to go ({@link pendingVersions}), or `timeoutMs` has passed: then it returns the last
 * report with `complete: false` rather than throwing, so that the caller decides what a time-out
 * means. A failed cycle is reported through `onCycle` and retried at the next poll; `E_AUTH`,
 * `E_FORBIDDEN` and `E_USAGE` are thrown, and so is the last failure when no cycle succeeded
 * before the time-out. Throws `E_ABORTED` when `options.signal` aborts.
 */
export async function drainUntilDone(
  client: ManagerClient,
  options: DrainUntilDoneOptions,
): Promise<DrainUntilDoneResult> {
  return runDrainUntilDone(client, parseDrainWaitOptions(options), drainLoopContextOf(options));
}

/** {@link drainUntilDone} with its options checked. */
export async function runDrainUntilDone(
  client: ManagerClient,
  spec: DrainWaitSpec,
  context: DrainLoopContext,
): Promise<DrainUntilDoneResult> {
  const { timeoutMs, pollMs, eta } = spec;
  const { signal } = context;
  const started = Date.now();
  let last: DrainReport | undefined;
  // What the cycles before `last` undeployed: gone from the server, so from `last` too.
  const earlier: DrainReport['apps'] = [];
  for (let cycle = 1; ; cycle++) {
    const ran = await runCycle(client, { ...spec.drain, checkLeaks: false }, context, cycle);
    if (ran === undefined) throw abortedError();
    const result = eta && ran.report ? { ...ran, etas: await etasOf(client, ran.report, signal) } : ran;
    context.onCycle?.(result);
    const { report } = result;
    if (report) {
      if (last) earlier.push(...undeployedIn(last));
      last = report;
    }
    const waitedMs = Date.now() - started;
    if (report && pendingVersions(report).length === 0) {
      return finish(withEarlier(report, earlier), true, waitedMs);
    }
    if (waitedMs >= timeoutMs) {
      if (last !== undefined) return finish(withEarlier(last, earlier), false, waitedMs);
      // No cycle ever succeeded: this one failed too.
      if (result.report === undefined) throw result.error;
    }
    if (!(await sleep(Math.min(pollMs, timeoutMs - waitedMs), signal))) throw abortedError();
  }

  /** The whole wait's report; with `checkLeaks`, one leak check after all of its undeploys. */
  async function finish(
    report: DrainReport,
    complete: boolean,
    waitedMs: number,
  ): Promise<DrainUntilDoneResult> {
    const leaks = spec.drain.checkLeaks
      ? await checkLeaksAfter(client, undeployedVersions(report.apps), signal)
      : undefined;
    return { ...report, leaks, complete, waitedMs };
  }
}

/** The ETA of each version a drain keeps only for its sessions; none when a read fails (it is only news). */
async function etasOf(
  client: ManagerClient,
  report: DrainReport,
  signal: AbortSignal | undefined,
): Promise<VersionEta[]> {
  const waiting = pendingVersions(report).filter((entry) => entry.cause.kind === 'has-sessions');
  const etas: VersionEta[] = [];
  for (const { path, version } of waiting) {
    const sessions = await client.sessions({ path, version, signal }).catch(() => undefined);
    if (sessions !== undefined) etas.push({ path, version, eta: drainEta(sessions) });
  }
  return etas;
}

/** The versions a report undeployed, per app. */
function undeployedIn(report: DrainReport): DrainReport['apps'] {
  return report.apps.map((app) => ({
    ...app,
    versions: app.versions.filter((entry) => entry.outcome === 'undeployed'),
  }));
}

/**
 * The last report, with the versions that earlier cycles undeployed put back (they are gone
 * from the server, so from the last report too): the result tells the whole wait.
 */
function withEarlier(last: DrainReport, earlier: DrainReport['apps']): DrainReport {
  const apps = last.apps.map((app) => ({ ...app, versions: [...app.versions] }));
  for (const { path, live, versions } of earlier) {
    if (versions.length === 0) continue;
    let app = apps.find((candidate) => candidate.path === path);
    if (app === undefined) apps.push((app = { path, live, versions: [] }));
    const known = new Set(app.versions.map((entry) => entry.version));
    app.versions.push(...versions.filter((entry) => !known.has(entry.version)));
    app.versions.sort((a, b) => compareVersions(a.version, b.version));
  }
  apps.sort((a, b) => compareVersions(a.path, b.path));
  const count = apps.flatMap((app) => app.versions).filter((entry) => entry.outcome === 'undeployed').length;
  return { ...last, apps, undeployed: count };
}

/**
 * One drain; a failure becomes the cycle's error, except those the next cycle would meet again,
 * which are thrown. `undefined` when the signal aborted.
 */
async function runCycle(
  client: ManagerClient,
  spec: DrainSpec,
  context: DrainContext,
  cycle: number,
): Promise<DrainCycle | undefined> {
  const startedAt = new Date().toISOString();
  const target = client.name;
  try {
    return { target, cycle, startedAt, report: await runDrain(client, spec, context) };
  } catch (error) {
    if (context.signal?.aborted) return undefined;
    const failure = toTomcatPdError(error);
    if (failsEveryTime(failure)) throw failure;
    return { target, cycle, startedAt, error: failure };
  }
}

function abortedError(): TomcatPdError {
  return new AbortedError('The drain was aborted before it was done.');
}
