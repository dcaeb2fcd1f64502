import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { fleetRunContextOf, type FleetRunOptions } from './run-context.js';
import { toTomcatPdError } from '../errors/error-data.js';
import type { FleetTargetReport } from '../errors/error-classes.js';
import type { TomcatPdError } from '../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../manager/manager-client.js';

/** The outcome of one operation on one target: its value, or the error it ended with. */
export type TargetOutcome<T> =
  { target: string; ok: true; value: T } | { target: string; ok: false; error: TomcatPdError };

/** An item of {@link mapLimited} whose work failed. */
export interface Failed<I> {
  item: I;
  ok: false;
  error: TomcatPdError;
}

/** What became of one item of {@link mapLimited}: the item, and its value or its error. */
export type Settled<I, T> = { item: I; ok: true; value: T } | Failed<I>;

/** The first item whose work failed, if any. */
export function firstFailure<I, T>(settled: readonly Settled<I, T>[]): Failed<I> | undefined {
  return settled.find((result): result is Failed<I> => !result.ok);
}

/**
 * Each item's report as a fleet error gives it: `failed` with its error, else `succeeded`, what a
 * step that went well means at that stage (`not-started` when only a read or a plan went well).
 */
export function fleetReports<I, T>(
  settled: readonly Settled<I, T>[],
  targetOf: (item: I) => string,
  succeeded: 'done' | 'not-started',
  extra: (result: Settled<I, T>) => Partial<FleetTargetReport> = () => ({}),
): FleetTargetReport[] {
  return settled.map((result) => ({
    target: targetOf(result.item),
    ...(result.ok ? { outcome: succeeded } : { outcome: 'failed', error: result.error }),
    ...extra(result),
  }));
}

/**
 * Runs `work` for every item, at most `limit` at once (a whole number of 1 or more: see
 * `fleetRunContextOf`), in the items' order of starting, and gives each item back with its
 * outcome, in the items' order. Never rejects: every item settles, so one failing target does not
 * hide what happened on the others.
 */
export function mapLimited<I, T>(
  items: readonly I[],
  limit: number,
  work: (item: I) => Promise<T>,
): Promise<Settled<I, T>[]> {
  const slot = pLimit(limit);
  return Promise.all(
    items.map((item) =>
      slot(async (): Promise<Settled<I, T>> => {
        try {
          return { item, ok: true, value: await work(item) };
        } catch (error) {
          return { item, ok: false, error: toTomcatPdError(error) };
        }
      }),
    ),
  );
}

/**
 * Runs `work` with an AbortController of its own that aborts when the caller's signal does (with
 * its reason), and that `work` may also abort itself. The requests of a fleet call listen to it,
 * and the caller's signal gets one listener, removed at the end: each request in flight adds one,
 * and with `parallel` above about 4 Node would warn of a listener leak on the caller's signal.
 */
export async function withFleetSignal<T>(
  signal: AbortSignal | undefined,
  work: (fleet: AbortController) => Promise<T>,
): Promise<T> {
  const fleet = new AbortController();
  setMaxListeners(0, fleet.signal);
  const follow = () => fleet.abort(signal?.reason);
  if (signal?.aborted) follow();
  else signal?.addEventListener('abort', follow, { once: true });
  try {
    return await work(fleet);
  } finally {
    signal?.removeEventListener('abort', follow);
  }
}

/** How many targets at once (default 4), and a signal that aborts the work on every target. */
export type OnEachTargetOptions = Omit<FleetRunOptions, 'logger'>;

/**
 * Runs one operation on every target, at most `parallel` at once, and reports each outcome in
 * the targets' order. A target that cannot be reached is reported as such; the others go on.
 * Pass `work` the signal it is given, not `options.signal`: the one it gets takes any number
 * of listeners (see {@link withFleetSignal}).
 *
 * @example
 * const outcomes = await onEachTarget(clients, (client, signal) => getStatus(client, { signal }), {
 *   parallel: 16,
 *   signal: controller.signal,
 * });
 */
export async function onEachTarget<T>(
  clients: readonly ManagerClient[],
  work: (client: ManagerClient, signal: AbortSignal) => Promise<T>,
  options: OnEachTargetOptions = {},
): Promise<TargetOutcome<T>[]> {
  const { parallel } = fleetRunContextOf(options);
  const settled = await withFleetSignal(options.signal, ({ signal }) =>
    mapLimited(clients, parallel, (client) => work(client, signal)),
  );
  return settled.map((result) =>
    result.ok
      ? { target: result.item.name, ok: true, value: result.value }
      : { target: result.item.name, ok: false, error: result.error },
  );
}
