import { ErrorCode, TomcatPdError, asTomcatPdError } from './errors.js';
import type { ManagerClient } from './manager-client.js';

/** The outcome of one operation on one target: its value, or the error it ended with. */
export type TargetOutcome<T> =
  { target: string; ok: true; value: T } | { target: string; ok: false; error: TomcatPdError };

/** How many targets are worked on at once unless the caller says otherwise. */
export const DEFAULT_PARALLEL = 4;

/**
 * Runs `work` for every item, at most `limit` at once, in the items' order of starting. Never
 * rejects: every item settles, so one failing target does not hide what happened on the others.
 */
export async function mapLimited<I, T>(
  items: readonly I[],
  limit: number,
  work: (item: I, index: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TomcatPdError(
      ErrorCode.usage,
      `The number of targets at once must be 1 or more, not ${limit}.`,
    );
  }
  const results: PromiseSettledResult<T>[] = new Array<PromiseSettledResult<T>>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await work(items[index]!, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Runs one operation on every target, at most `parallel` at once, and reports each outcome in
 * the targets' order. A target that cannot be reached is reported as such; the others go on.
 */
export async function onEachTarget<T>(
  clients: readonly ManagerClient[],
  work: (client: ManagerClient) => Promise<T>,
  options: { parallel?: number } = {},
): Promise<TargetOutcome<T>[]> {
  const settled = await mapLimited(clients, options.parallel ?? DEFAULT_PARALLEL, work);
  return settled.map((result, index) => {
    const target = clients[index]!.name;
    return result.status === 'fulfilled'
      ? { target, ok: true, value: result.value }
      : { target, ok: false, error: asTomcatPdError(result.reason) };
  });
}
