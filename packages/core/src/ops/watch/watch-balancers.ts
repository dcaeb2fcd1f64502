import type { Balancer } from '../../balancer/balancer.js';
import { sleep } from '../../common/sleep.js';
import { ConnectionError, usageError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { membersOfTargets } from '../lb/lb-status.js';
import type { RunOptions } from '../run-context.js';
import {
  initialBalancersSnapshot,
  withBalancer,
  type BalancerDown,
  type BalancersSnapshot,
  type BalancerUp,
} from './balancer-snapshot.js';

export interface WatchBalancersOptions extends Pick<RunOptions, 'signal'> {
  /** From the start of one read of a balancer to the start of its next. */
  intervalMs: number;
  /** The targets of the config, by name: each member is shown as the one it maps to. */
  targets: readonly string[];
  /**
   * How long one read may take before the balancer counts as down for this round.
   * @defaultValue the interval, and at least 5 s
   */
  readTimeoutMs?: number | undefined;
  /** Each new snapshot, one per finished read. */
  onChange: (snapshot: BalancersSnapshot) => void;
}

/** Below this, a console's connection retries would not fit in a read. */
const MIN_READ_TIMEOUT_MS = 5_000;

/**
 * Reads every balancer every `intervalMs` until the signal aborts, each in its own loop, so that
 * a balancer that hangs delays no other, and no Tomcat: it reads no `list` (a page that shows
 * the sessions beside the members joins them from its own watch of the fleet, `balancersView`).
 * A read that fails shows the balancer down and it is read again at its next interval: reading a
 * balancer locks nobody out, and a balancer restarting is back after a while. Resolves once
 * every loop has ended, never with an error of a read.
 *
 * @example
 * await watchBalancers([lb1], {
 *   intervalMs: 5_000,
 *   targets: ['web1', 'web2'],
 *   signal: controller.signal,
 *   onChange: (snapshot) => console.log(snapshot.balancers.map((entry) => entry.state).join(' ')),
 * });
 */
export async function watchBalancers(
  balancers: readonly Balancer[],
  options: WatchBalancersOptions,
): Promise<void> {
  const { intervalMs, targets, signal, onChange } = options;
  if (!(intervalMs > 0)) throw usageError(`A watch's interval must be above 0, not ${intervalMs} ms.`);
  const readTimeoutMs = options.readTimeoutMs ?? Math.max(intervalMs, MIN_READ_TIMEOUT_MS);
  if (!(readTimeoutMs > 0)) throw usageError(`A read's time-out must be above 0, not ${readTimeoutMs} ms.`);
  const stop = signal ?? new AbortController().signal;
  let snapshot = initialBalancersSnapshot(balancers, intervalMs);
  await Promise.all(
    balancers.map(async (balancer, index) => {
      while (!stop.aborted) {
        const startedAt = Date.now();
        const entry = await readWithin(balancer, targets, readTimeoutMs, stop);
        if (entry === undefined) return;
        snapshot = withBalancer(snapshot, index, entry);
        onChange(snapshot);
        if (!(await sleep(startedAt + intervalMs - Date.now(), stop))) return;
      }
    }),
  );
}

/** One read of one balancer within the time-out; `undefined` when the signal aborted it. */
async function readWithin(
  balancer: Balancer,
  targets: readonly string[],
  timeoutMs: number,
  signal: AbortSignal,
): Promise<BalancerUp | BalancerDown | undefined> {
  // One controller per read, its listener on the long-lived signal removed afterwards (as
  // watchFleet's reads): nothing of a read stays reachable in a process that runs for days.
  const controller = new AbortController();
  const abort = () => controller.abort();
  signal.addEventListener('abort', abort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const started = performance.now();
  const about = { balancer: balancer.name, type: balancer.type, address: balancer.address };
  try {
    const reading = await balancer.read({ signal: controller.signal });
    const members = membersOfTargets(balancer, reading.members, targets);
    const durationMs = performance.now() - started;
    return { ...about, state: 'up', readAt: Date.now(), durationMs, members };
  } catch (caught) {
    if (signal.aborted) return undefined;
    const error = timedOut ? noAnswerWithin(balancer, timeoutMs) : toTomcatPdError(caught);
    const durationMs = performance.now() - started;
    return { ...about, state: 'down', readAt: Date.now(), durationMs, error };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', abort);
  }
}

function noAnswerWithin(balancer: Balancer, timeoutMs: number): TomcatPdError {
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  return new ConnectionError(
    `Balancer ${balancer.name} did not answer within ${seconds} at ${balancer.address}.`,
    { transient: true, reason: `no answer within ${seconds}` },
    { hint: 'It is read again at the next interval.' },
  );
}
