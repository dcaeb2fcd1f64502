/** One thing measured in a series: `measure(run)` does one untimed-set-up, timed, cleaned-up run. */
export interface Variant<Sample> {
  name: string;
  /** `run` counts from 0; the warm-up run is -1. */
  measure: (run: number) => Promise<Sample>;
}

/** Every variant's samples by its name: the warm-up round apart from the runs the figures use. */
export interface Interleaved<Sample> {
  warmUp: Record<string, Sample[]>;
  runs: Record<string, Sample[]>;
}

/** The items rotated left by `run`: over the runs, each variant goes first, second, ... as often. */
export function rotated<T>(items: readonly T[], run: number): T[] {
  const shift = run % Math.max(items.length, 1);
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * Runs every variant `runs` times, interleaved (A B C, B C A, C A B, ...) rather than all of A
 * then all of B: a slow moment of the machine (another process, the page cache, a JVM's GC)
 * then hurts every variant alike instead of one series, and no variant always runs right after
 * the same other one. A warm-up round comes first (Tomcat's first deploy, the first read of a
 * file from disk); its samples are kept apart, in the record, so that a first run that differs
 * shows.
 */
export async function runInterleaved<Sample>(
  variants: readonly Variant<Sample>[],
  options: { runs: number; log: (line: string) => void },
): Promise<Interleaved<Sample>> {
  const empty = () => Object.fromEntries(variants.map((variant) => [variant.name, [] as Sample[]]));
  const result: Interleaved<Sample> = { warmUp: empty(), runs: empty() };
  for (const variant of variants) result.warmUp[variant.name]!.push(await variant.measure(-1));
  options.log('  warm-up done');
  for (let run = 0; run < options.runs; run++) {
    for (const variant of rotated(variants, run)) result.runs[variant.name]!.push(await variant.measure(run));
    options.log(`  run ${run + 1}/${options.runs} done`);
  }
  return result;
}
