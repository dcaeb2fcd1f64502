/**
 * Fires `onStall` when nothing has moved for `ms`. An upload of a large WAR may take minutes
 * and is healthy as long as bytes move, so a wall-clock timeout (like a read's) would kill
 * good uploads and still wait too long for a dead one. Each `touch()` re-arms the timer.
 */
export interface StallWatchdog {
  /** Something moved: start the quiet period again. */
  touch(): void;
  /** From now on allow `ms` of quiet (e.g. while Tomcat starts the context after the upload). */
  rearm(ms: number): void;
  stop(): void;
}

export function startStallWatchdog(ms: number, onStall: () => void): StallWatchdog {
  let limit = ms;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = limit > 0 ? setTimeout(onStall, limit) : undefined;
    timer?.unref();
  };
  arm();
  return {
    // Touched once per chunk of an upload (1 200 times for 300 MB): refresh() restarts the same
    // timer, where a new one per chunk was garbage that grew the young heap and the peak RSS.
    touch: () => timer?.refresh(),
    rearm(newLimit: number) {
      limit = newLimit;
      arm();
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
