/** The last task queued per key; a key's tasks run one after the other. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `task` after every task queued before it under `key` has settled: two changes of one
 * managed file in this process must not read the same old file and each write their own next
 * one, the second undoing the first. (Another process writing the file is not guarded against.)
 */
export function oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  const settled = run.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return run;
}
