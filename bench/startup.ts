/**
 * Start-up as a user meets it: `tomcat-pd --version`, and `tomcat-pd status` against one
 * stand-in Manager that answers at once, each a new process, against `node -e 0` (the floor any
 * Node program pays) in the same interleaved series. No peak-RSS preload here: loading it would
 * tilt the timing.
 */
import { tmpdir } from 'node:os';
import { startStandIns } from '@tomcat-pd/testkit/stand-in-manager';
import { assertSucceeded, runCli, runNode, type CommandRun } from './lib/cli-process.js';
import { runInterleaved, type Variant } from './lib/interleave.js';
import type { Benchmark } from './lib/record.js';
import { round, spread, summarize } from './lib/stats.js';
import { targetEnv } from './lib/tomcats.js';

/** Start-up runs are cheap and spread by a few ms: more of them than of a deploy. */
const STARTUP_RUNS = 20;
const NODE = 'node -e 0';

export const benchStartup: Benchmark = async (settings, log) => {
  const fleet = await startStandIns(1, 0);
  try {
    const options = { env: targetEnv(fleet.targets[0]!), cwd: tmpdir(), measureRss: false };
    const timed = (name: string, run: () => Promise<CommandRun>): Variant<number> => ({
      name,
      measure: async () => assertSucceeded(await run(), name).wallMs,
    });
    const variants = [
      timed(NODE, () => runNode(['-e', '0'], options)),
      timed('tomcat-pd --version', () => runCli(['--version'], options)),
      timed('tomcat-pd status (one stand-in)', () => runCli(['status'], options)),
    ];
    const samples = await runInterleaved(variants, { runs: Math.max(settings.runs, STARTUP_RUNS), log });
    const floor = summarize(samples.runs[NODE]!).median;
    const row = (name: string, series: number[]) => ({
      ...spread(series, 'ms'),
      'over node -e 0 ms (medians)': name === NODE ? undefined : round(summarize(series).median - floor),
    });
    return {
      table: Object.fromEntries(
        Object.entries(samples.runs).map(([name, series]) => [name, row(name, series)]),
      ),
      samples,
    };
  } finally {
    await fleet.close();
  }
};
