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
 * Runs one operation on every target, at most `parallel` at once, and reports each outcome in
 * the targets' order. A target that cannot be reached is reported as such; the others go on.
 */
export async function onEachTarget<T>(
  clients: readonly ManagerClient[],
  work: (client: ManagerClient) => Promise<T>,
  options: { parallel?: number | undefined } = {},
): Promise<TargetOutcome<T>[]> {
  const settled = await mapLimited(clients, options.parallel ?? DEFAULT_PARALLEL, work);
  return settled.map((result) =>
    result.ok
      ? { target: result.item.name, ok: true, value: result.value }
      : { target: result.item.name, ok: false, error: result.error },
  );
}
