import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** What `pnpm bench` was told (bench/run.ts parses it); each benchmark reads its part. */
export interface Settings {
  runs: number;
  sizeMb: number;
  fleetSizeMb: number;
  scaleTargets: number[];
  scaleLatencyMs: number;
  scaleSizeMb: number;
  statusVersions: number;
  serveMinutes: number;
  soakMinutes: number;
}

/** A row per label, each a figure by column (the unit in the column's name): what console.table prints. */
export type Table = Record<string, Record<string, number | string | undefined>>;

/** A table with a row per measure and a column per run, from each run's figures. */
export function byMeasure(runs: Table): Table {
  const table: Table = {};
  for (const [run, figures] of Object.entries(runs)) {
    for (const [measure, value] of Object.entries(figures))
      table[measure] = { ...table[measure], [run]: value };
  }
  return table;
}

/** What one benchmark measured. */
export interface Measured {
  /** The one table it prints. */
  table: Table;
  /** Every sample behind the table (warm-up runs apart), and what was set up, for the record. */
  samples: unknown;
}

export type Benchmark = (settings: Settings, log: (line: string) => void) => Promise<Measured>;

/** When, by what command and on what machine a record was measured. */
export interface RunInfo {
  date: string;
  command: string;
  machine: Record<string, string>;
  settings: Settings;
}

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

/**
 * Writes bench/results/<name>.json: the run, the table and every sample. A run writes only the
 * files of the benchmarks it ran; bench/RESULTS.md says, by hand, what the figures mean.
 */
export async function saveRecord(name: string, run: RunInfo, measured: Measured): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const file = `${RESULTS_DIR}${name}.json`;
  await writeFile(file, `${JSON.stringify({ benchmark: name, ...run, ...measured }, null, 2)}\n`);
  return file;
}
