import { residentKb } from './proc-stat.js';

export interface RssSample {
  /** Milliseconds since the sampler started. */
  atMs: number;
  kb: number;
}

/**
 * Samples a process's VmRSS every `intervalMs` from outside (no hook in the process measured,
 * so it runs unchanged). A sample that finds the process gone is skipped.
 */
export function sampleRss(
  pid: number,
  intervalMs: number,
): { samples: RssSample[]; sampleNow(): Promise<RssSample | undefined>; stop(): void } {
  const started = performance.now();
  const samples: RssSample[] = [];
  const sampleNow = async () => {
    const kb = await residentKb(pid).catch(() => undefined);
    if (kb === undefined) return undefined;
    const sample = { atMs: performance.now() - started, kb };
    samples.push(sample);
    return sample;
  };
  const timer = setInterval(() => void sampleNow(), intervalMs);
  return { samples, sampleNow, stop: () => clearInterval(timer) };
}

/** The sample taken closest to `atMs` (of any timed series: RSS, or the soak's live heap). */
export function sampleNear<T extends { atMs: number }>(samples: readonly T[], atMs: number): T | undefined {
  let best: T | undefined;
  for (const sample of samples) {
    if (best === undefined || Math.abs(sample.atMs - atMs) < Math.abs(best.atMs - atMs)) best = sample;
  }
  return best;
}
