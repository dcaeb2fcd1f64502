/**
 * Waits `ms`, and says whether it did: `true` once the time has passed, `false` as soon as one of
 * `signals` aborts (at once if one already has). Never rejects, so that each caller decides what
 * an abort means there: the normal end of a loop, or an `AbortedError` saying what was stopped.
 * The global timer, so that tests can run it on a fake clock; its listeners are removed when it
 * settles, as a drain loop's signal lives for days.
 */
export function sleep(ms: number, ...signals: readonly (AbortSignal | undefined)[]): Promise<boolean> {
  const watched = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (watched.some((signal) => signal.aborted)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const settle = (slept: boolean) => {
      clearTimeout(timer);
      for (const signal of watched) signal.removeEventListener('abort', aborted);
      resolve(slept);
    };
    const aborted = () => settle(false);
    const timer = setTimeout(() => settle(true), Math.max(ms, 0));
    for (const signal of watched) signal.addEventListener('abort', aborted, { once: true });
  });
}
