import { vi } from 'vitest';

// Taken when this module loads, before a test fakes the clock: a turn of the real event loop.
const realSetImmediate = globalThis.setImmediate;

/**
 * Runs `work` to its end on vitest's fake clock (`vi.useFakeTimers()`), and gives what it resolved
 * or threw: while a fake timer is pending the clock jumps to it, so that a wait of minutes takes
 * none; while none is, the real event loop takes a turn, so that real I/O (a WAR read from disk)
 * can finish. Nothing here waits for real time.
 */
export async function onFakeClock<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const outcome = Promise.allSettled([work]).then(([result]) => {
    done = true;
    return result;
  });
  while (!done) {
    if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    else await new Promise((resolve) => realSetImmediate(resolve));
  }
  const result = await outcome;
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}
