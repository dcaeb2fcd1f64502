/** The last work queued per key: what the next work of that key waits for. */
const tails = new Map<string, Promise<unknown>>();

/**
 * Runs `work` once every work queued before it under `key` in this process has settled, failed
 * or not; works of other keys run beside it. The key is forgotten once nothing is queued behind.
 * (Another process is not guarded against.)
 */
export async function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(work);
  const tail = current.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await current;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
