import { setMaxListeners } from 'node:events';
import { toTomcatPdError, usageError, type TomcatPdError } from '../errors/errors.js';
import type { ManagerClient } from '../manager/manager-client.js';

/** The outcome of one operation on one target: its value, or the error it ended with. */
export type TargetOutcome<T> =
  { target: string; ok: true; value: T } | { target: string; ok: false; error: TomcatPdError };

/** How many targets are worked on at once unless the caller says otherwise. */
export const DEFAULT_PARALLEL = 4;

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
 * Runs `work` for every item, at most `limit` at once, in the items' order of starting, and
 * gives each item back with its outcome, in the items' order. Never rejects: every item
 * settles, so one failing target does not hide what happened on the others.
 */
export async function mapLimited<I, T>(
  items: readonly I[],
  limit: number,
  work: (item: I) => Promise<T>,
): Promise<Settled<I, T>[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw usageError(`The number of targets at once must be 1 or more, not ${limit}.`);
  }
  const results = new Map<number, Settled<I, T>>();
  // One iterator shared by the workers: each takes the next item when it is free.
  const queue = items.entries();
  const worker = async () => {
    for (const [index, item] of queue) {
      try {
        results.set(index, { item, ok: true, value: await work(item) });
      } catch (error) {
        results.set(index, { item, ok: false, error: toTomcatPdError(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return [...results.entries()].sort(([a], [b]) => a - b).map(([, settled]) => settled);
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

export interface OnEachTargetOptions {
  /** How many targets are worked on at once. @defaultValue 4 */
  parallel?: number | undefined;
  /** Aborts the work on every target; `work` gets a signal that follows it. */
  signal?: AbortSignal | undefined;
}

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
  const settled = await withFleetSignal(options.signal, ({ signal }) =>
    mapLimited(clients, options.parallel ?? DEFAULT_PARALLEL, (client) => work(client, signal)),
  );
  return settled.map((result) =>
    result.ok
      ? { target: result.item.name, ok: true, value: result.value }
      : { target: result.item.name, ok: false, error: result.error },
  );
}
