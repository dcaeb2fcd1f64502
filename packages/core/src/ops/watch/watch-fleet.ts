import pLimit from 'p-limit';
import { withDefaults } from '../../common/defaults.js';
import { fleetRunContextOf, type FleetRunContext, type FleetRunOptions } from '../run-context.js';
import { sleep } from '../../common/sleep.js';
import { ConnectionError, NoStatusJsonError, usageError } from '../../errors/error-classes.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { withFleetSignal } from '../fleet.js';
import { failsEveryTime } from '../lasting-failure.js';
import { readMetrics, type MetricsReport } from '../metrics/metrics.js';
import { parseStatusOptions, readStatus, type StatusSpec } from '../status/status.js';
import {
  initialSnapshot,
  withTarget,
  type FleetSnapshot,
  type MetricsSource,
  type TargetDown,
  type TargetUp,
} from './fleet-snapshot.js';
import { joinLastMetrics, statusPageDue, type StatusPageMemory } from './status-page-pacing.js';

/**
 * What a failed read of a target means for the watch:
 * - `read-again`: the target is shown down and read again at its next interval (it may be back);
 * - `stop-target`: it is shown down and not read again, the others go on (a 401 for a page that
 *   runs for days: each try would count towards Tomcat's lock-out);
 * - `end-watch`: every loop stops, and the watch ends with the error (a command that shows one
 *   table: the same credentials are usually wrong on every target).
 */
export type WatchFailure = 'read-again' | 'stop-target' | 'end-watch';

export interface WatchFleetOptions extends FleetRunOptions {
  /** From the start of one read of a target to the start of its next. */
  intervalMs: number;
  /** Only this app; default: every app. */
  path?: string | undefined;
  /**
   * Add what Tomcat's status page knows of each version: the page is read at most every 5 s
   * (its cost on a server with many versions), and never again where it is absent (the versions
   * then have no metrics, and the target's `metrics` says why). @defaultValue false
   */
  metrics?: boolean | undefined;
  /**
   * How long one read may take before the target counts as down for this round.
   * @defaultValue the interval, and at least 5 s (a refused connection's retries fit in it)
   */
  readTimeoutMs?: number | undefined;
  /**
   * What a failed read means. @defaultValue `end-watch` for what fails every time it is repeated
   * (401, 403, bad usage), `read-again` for the rest (a target restarting)
   */
  onFailure?: ((error: TomcatPdError) => WatchFailure) | undefined;
  /** Each new snapshot, one per finished read. */
  onChange: (snapshot: FleetSnapshot) => void;
}

/** A watch's options, checked and with their defaults. */
export interface WatchSpec {
  readonly scope: StatusSpec;
  readonly intervalMs: number;
  readonly metrics: boolean;
  readonly readTimeoutMs: number;
  readonly onFailure: (error: TomcatPdError) => WatchFailure;
}

/** How a watch runs: the fleet's context, and who hears of each change. */
export interface WatchContext extends FleetRunContext {
  readonly onChange: (snapshot: FleetSnapshot) => void;
}

/** Below this, a refused connection would time out before its retries (250 + 500 + 1000 ms) end. */
const MIN_READ_TIMEOUT_MS = 5_000;

/** Checks a watch's options before any request. @throws UsageError naming what is wrong. */
export function parseWatchFleetOptions(
  options: Omit<WatchFleetOptions, keyof FleetRunOptions | 'onChange'>,
): WatchSpec {
  if (!(options.intervalMs > 0))
    throw usageError(`A watch's interval must be above 0, not ${options.intervalMs} ms.`);
  const checked = withDefaults(options, {
    metrics: false,
    readTimeoutMs: Math.max(options.intervalMs, MIN_READ_TIMEOUT_MS),
    onFailure: (error: TomcatPdError): WatchFailure => (failsEveryTime(error) ? 'end-watch' : 'read-again'),
  });
  if (!(checked.readTimeoutMs > 0))
    throw usageError(`A read's time-out must be above 0, not ${checked.readTimeoutMs} ms.`);
  return {
    scope: parseStatusOptions(options),
    intervalMs: checked.intervalMs,
    metrics: checked.metrics,
    readTimeoutMs: checked.readTimeoutMs,
    onFailure: checked.onFailure,
  };
}

/**
 * Reads every target every `intervalMs` until the signal aborts, each in its own loop, so that a
 * slow or dead target delays no other: at most `parallel` reads at once, each bounded by
 * `readTimeoutMs`, and never two reads of one target less than an interval apart (a read that
 * overran is followed by the next at once). `onChange` hears the whole fleet after each read.
 * Resolves once every loop has ended; throws the error of a read whose failure ends the watch.
 *
 * @example
 * await watchFleet(clients, {
 *   intervalMs: 10_000,
 *   metrics: true,
 *   signal: controller.signal,
 *   onChange: (snapshot) => console.log(snapshot.targets.map((target) => target.state).join(' ')),
 * });
 */
export async function watchFleet(
  clients: readonly ManagerClient[],
  options: WatchFleetOptions,
): Promise<void> {
  return runWatchFleet(clients, parseWatchFleetOptions(options), {
    ...fleetRunContextOf(options),
    onChange: options.onChange,
  });
}

/** {@link watchFleet} with its options checked. */
export async function runWatchFleet(
  clients: readonly ManagerClient[],
  spec: WatchSpec,
  context: WatchContext,
): Promise<void> {
  let snapshot = initialSnapshot(clients, spec.intervalMs);
  const limit = pLimit(context.parallel);
  let fatal: TomcatPdError | undefined;
  await withFleetSignal(context.signal, async (everyLoop) => {
    const { signal } = everyLoop;
    await Promise.all(
      clients.map(async (client, index) => {
        const page: { memory: StatusPageMemory } = { memory: { kind: 'unknown', askedAt: undefined } };
        while (!signal.aborted) {
          // A loop that waits for a slot while the watch ends leaves without reading.
          const read = await limit(() =>
            signal.aborted ? undefined : readWithin(client, page, spec, signal),
          );
          if (read === undefined) return;
          snapshot = withTarget(snapshot, index, read.entry);
          context.onChange(snapshot);
          if (read.failure !== undefined && read.failure !== 'read-again') {
            if (read.failure === 'end-watch' && read.entry.state === 'down') {
              fatal ??= read.entry.error;
              everyLoop.abort();
            }
            return;
          }
          if (!(await sleep(read.startedAt + spec.intervalMs - Date.now(), signal))) return;
        }
      }),
    );
  });
  if (fatal !== undefined) throw fatal;
}

/** A read, when it started, and what its failure means (none for a read that went well). */
interface TimedRead {
  entry: TargetUp | TargetDown;
  startedAt: number;
  failure: WatchFailure | undefined;
}

/**
 * One read of one target within the spec's time-out; `undefined` when the signal aborted it. The
 * time-out is a typed `ConnectionError` of its own, so that the target says what happened
 * instead of "aborted".
 */
async function readWithin(
  client: ManagerClient,
  page: { memory: StatusPageMemory },
  spec: WatchSpec,
  signal: AbortSignal,
): Promise<TimedRead | undefined> {
  // One controller per read, its listener on the long-lived signal removed afterwards: nothing
  // of a read stays reachable from it (AbortSignal.any leaves that to the garbage collector),
  // which matters in a process that runs for days.
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal.addEventListener('abort', stop, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, spec.readTimeoutMs);
  const startedAt = Date.now();
  const started = performance.now();
  const base = { target: client.name, managerUrl: client.managerUrl };
  try {
    const { report, metrics } = await readTarget(client, page, spec, controller.signal, startedAt);
    const durationMs = performance.now() - started;
    const entry: TargetUp = { ...base, state: 'up', readAt: Date.now(), durationMs, report, metrics };
    return { startedAt, entry, failure: undefined };
  } catch (caught) {
    if (signal.aborted) return undefined;
    const error = timedOut ? noAnswerWithin(client, spec.readTimeoutMs) : toTomcatPdError(caught);
    const durationMs = performance.now() - started;
    const failure = spec.onFailure(error);
    const readAgain = failure === 'read-again';
    return {
      startedAt,
      failure,
      entry: { ...base, state: 'down', readAt: Date.now(), durationMs, error, readAgain },
    };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}

/**
 * `list`, and with metrics the status page when it is due (`readMetrics` reads both); a server
 * without the status JSON, or refusing it, is read with `list` alone. Updates `page` as it learns.
 */
async function readTarget(
  client: ManagerClient,
  page: { memory: StatusPageMemory },
  spec: WatchSpec,
  signal: AbortSignal,
  now: number,
): Promise<{ report: MetricsReport; metrics: MetricsSource }> {
  const memory = page.memory;
  if (spec.metrics && statusPageDue(memory, now)) {
    // Asked now, whatever the answer: a read that fails counts towards the floor too.
    page.memory = memory.kind === 'absent' ? memory : { ...memory, askedAt: now };
    try {
      const report = await readMetrics(client, { ...spec.scope, drainEta: true }, signal);
      page.memory = { kind: 'present', askedAt: now, last: report };
      return { report, metrics: { kind: 'status-page', readAt: report.readAt } };
    } catch (caught) {
      const error = toTomcatPdError(caught);
      if (error instanceof NoStatusJsonError) page.memory = { kind: 'absent', error };
      else if (error.code === ErrorCode.forbidden) page.memory = { kind: 'refused', askedAt: now, error };
      else throw error;
      // A 403 of the text API itself fails the `list` below as well, and the target is down.
    }
  }
  const status = await readStatus(client, spec.scope, signal);
  const current = page.memory;
  const joined = (last: MetricsReport | undefined) => joinLastMetrics(status, last, Date.now());
  if (!spec.metrics) return { report: joined(undefined), metrics: { kind: 'not-asked' } };
  switch (current.kind) {
    case 'present':
      return { report: joined(current.last), metrics: { kind: 'status-page', readAt: current.last.readAt } };
    case 'absent':
    case 'refused':
      return { report: joined(undefined), metrics: { kind: 'none', reason: current.error } };
    case 'unknown':
      return { report: joined(undefined), metrics: { kind: 'not-yet' } };
  }
}

function noAnswerWithin(client: ManagerClient, timeoutMs: number): TomcatPdError {
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  return new ConnectionError(
    `${client.name} did not answer within ${seconds} at ${client.managerUrl}.`,
    { transient: true, reason: `no answer within ${seconds}` },
    {
      url: client.managerUrl,
      hint: 'Tomcat may be overloaded, stalled or unreachable; it is read again at the next interval.',
    },
  );
}
