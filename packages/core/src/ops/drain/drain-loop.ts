import { setTimeout as sleep } from 'node:timers/promises';
import {
  DEFAULT_GRACE_MS,
  drain,
  undeployedVersions,
  type DrainOptions,
  type DrainReport,
  type DrainVersionReport,
} from './drain.js';
import { DrainTracker } from './drain-tracker.js';
import {
  ErrorCode,
  TomcatPdError,
  failsEveryTime,
  toTomcatPdError,
  usageError,
} from '../../errors/errors.js';
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

export interface DrainUntilDoneOptions extends DrainOptions {
  /** Give up (with `complete: false`) after this long. */
  timeoutMs: number;
  /**
   * Pause between cycles.
   * @defaultValue the grace period, but at most 5 s and at least 1 s
   */
  pollMs?: number | undefined;
  onCycle?: ((cycle: DrainCycle) => void) | undefined;
  /** Give each cycle the `etas` of the versions that wait for their sessions: one `sessions` read each. */
  eta?: boolean | undefined;
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
  const { intervalMs, onCycle, checkLeaks, ...drainOptions } = options;
  const tracker = options.tracker ?? new DrainTracker();
  // findleaks forces a full GC on the server: at most once an hour, after a cycle that undeployed.
  let lastLeakCheck = Number.NEGATIVE_INFINITY;
  for (let cycle = 1; !options.signal?.aborted; cycle++) {
    const leakCheckDue = checkLeaks === true && Date.now() - lastLeakCheck >= LEAK_CHECK_EVERY_MS;
    const result = await runCycle(client, { ...drainOptions, tracker, checkLeaks: leakCheckDue }, cycle);
    if (result === undefined) return;
    if (result.report?.leaks !== undefined) lastLeakCheck = Date.now();
    onCycle(result);
    if (!(await pause(intervalMs, options.signal))) return;
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
  const { timeoutMs, pollMs, onCycle, eta, checkLeaks, ...drainOptions } = options;
  if (options.dryRun) throw usageError('Waiting for a drain to finish cannot be a dry run.');
  const started = Date.now();
  // A grace period shorter than the poll is waited out sooner; 1 s at least, to spare Tomcat.
  const intervalMs = pollMs ?? Math.min(5_000, Math.max(options.graceMs ?? DEFAULT_GRACE_MS, 1_000));
  const tracker = options.tracker ?? new DrainTracker();
  let last: DrainReport | undefined;
  // What the cycles before `last` undeployed: gone from the server, so from `last` too.
  const earlier: DrainReport['apps'] = [];
  for (let cycle = 1; ; cycle++) {
    const ran = await runCycle(client, { ...drainOptions, tracker }, cycle);
    if (ran === undefined) throw abortedError();
    const result =
      eta && ran.report ? { ...ran, etas: await etasOf(client, ran.report, options.signal) } : ran;
    onCycle?.(result);
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
    if (!(await pause(Math.min(intervalMs, timeoutMs - waitedMs), options.signal))) throw abortedError();
  }

  /** The whole wait's report; with `checkLeaks`, one leak check after all of its undeploys. */
  async function finish(
    report: DrainReport,
    complete: boolean,
    waitedMs: number,
  ): Promise<DrainUntilDoneResult> {
    const leaks = checkLeaks
      ? await checkLeaksAfter(client, undeployedVersions(report.apps), options.signal)
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
  options: DrainOptions,
  cycle: number,
): Promise<DrainCycle | undefined> {
  const startedAt = new Date().toISOString();
  const target = client.name;
  try {
    return { target, cycle, startedAt, report: await drain(client, options) };
  } catch (error) {
    if (options.signal?.aborted) return undefined;
    const failure = toTomcatPdError(error);
    if (failsEveryTime(failure)) throw failure;
    return { target, cycle, startedAt, error: failure };
  }
}

/** Sleeps; false when the signal aborted, before or during the sleep. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function abortedError(): TomcatPdError {
  return new TomcatPdError(ErrorCode.aborted, 'The drain was aborted before it was done.');
}
