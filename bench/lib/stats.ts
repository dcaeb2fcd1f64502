/** The median, min and max of a series of measurements, and how many there were. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * Summarizes a series. The median (the mean of the two middle values for an even count) rather
 * than the mean, because one run disturbed by the machine must not move the figure; min and max
 * show how much the runs spread.
 */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('summarize: no measurements');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, runs: sorted.length };
}

/** `value` with `digits` decimals, as a number (the tables and the JSON show no more than that). */
export function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** The columns of a series in a table: `median ms`, `min ms`, `max ms`, `runs`. */
export function spread(values: readonly number[], unit: string, digits = 0): Record<string, number> {
  const { median, min, max, runs } = summarize(values);
  return {
    [`median ${unit}`]: round(median, digits),
    [`min ${unit}`]: round(min, digits),
    [`max ${unit}`]: round(max, digits),
    runs,
  };
}

/** Element-wise `a[i] / b[i]` of two series measured in pairs (interleaved runs). */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new Error('pairedRatios: series of different lengths');
  return a.map((value, i) => value / b[i]!);
}

/** Kilobytes (as /proc reports them) in MB. */
export const megabytes = (kilobytes: number): number => round(kilobytes / 1024, 1);
