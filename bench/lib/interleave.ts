/** One thing measured in a series: `measure(run)` does one untimed-set-up, timed, cleaned-up run. */
export interface Variant<Sample> {
  name: string;
  measure: (run: number) => Promise<Sample>;
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
 * the same other one. `warmUp` runs each once first, unrecorded (first-use costs: Tomcat's JSP
 * compiler and class loading, the WAR's first read from disk).
 */
export async function runInterleaved<Sample>(
  variants: readonly Variant<Sample>[],
  options: { runs: number; warmUp: boolean; log: (line: string) => void },
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(variants.map((variant) => [variant.name, []]));
  if (options.warmUp) {
    for (const variant of variants) await variant.measure(-1);
    options.log('  warm-up done');
  }
  for (let run = 0; run < options.runs; run++) {
    for (const variant of rotated(variants, run)) samples.get(variant.name)!.push(await variant.measure(run));
    options.log(`  run ${run + 1}/${options.runs} done`);
  }
  return samples;
}
