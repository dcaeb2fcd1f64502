/**
 * Item 5: start-up cost of the command. `tomcat-pd --version` (and `--help`) against bare
 * `node -e 0`, the floor any Node CLI pays; the difference is what tomcat-pd adds.
 */
import { tmpdir } from 'node:os';
import { assertSucceeded, runCli, runNode } from './lib/cli-process.js';
import type { NodeRun } from './lib/cli-process.js';
import { runInterleaved } from './lib/interleave.js';
import type { Variant } from './lib/interleave.js';
import { SUMMARY_HEADERS, markdownTable, ms, summaryCells, verdict } from './lib/markdown.js';
import type { Section } from './lib/results.js';
import { summarize } from './lib/stats.js';
import { cliEnv } from './lib/tomcats.js';

/** Start-up runs are cheap, and their spread is a few ms: more runs than for deploys. */
const STARTUP_RUNS = 20;
const TARGET_EXTRA_MS = 100;

export async function benchStartup(log: (line: string) => void): Promise<Section> {
  // No preload here: measuring the peak RSS would itself load a module and tilt the timing.
  const options = { env: cliEnv(), cwd: tmpdir(), measureRss: false };
  const timed = (name: string, run: () => Promise<NodeRun>): Variant<number> => ({
    name,
    measure: async () => assertSucceeded(await run(), name).wallMs,
  });
  const variants = [
    timed('node -e 0', () => runNode(['-e', '0'], options)),
    timed('tomcat-pd --version', () => runCli(['--version'], options)),
    timed('tomcat-pd --help', () => runCli(['--help'], options)),
  ];
  const samples = await runInterleaved(variants, { runs: STARTUP_RUNS, warmUp: true, log });
  const summaries = variants.map((variant) => ({
    name: variant.name,
    ...summarize(samples.get(variant.name)!),
  }));
  const floor = summaries[0]!.median;
  const rows = summaries.map((s) => [
    `\`${s.name}\``,
    ...summaryCells(s, ms),
    s === summaries[0] ? '' : `+${ms(s.median - floor)}`,
  ]);
  const extra = summaries[1]!.median - floor;
  return {
    name: 'startup',
    title: '5. Start-up',
    body: [
      `Wall time from spawn to exit, ${STARTUP_RUNS} interleaved runs each (after one warm-up run each), run with this Node binary; no Tomcat involved.`,
      '',
      markdownTable(['command', ...SUMMARY_HEADERS, 'added to node -e 0 (medians)'], rows),
      '',
      `Target: \`tomcat-pd --version\` at most ${TARGET_EXTRA_MS} ms more than \`node -e 0\` (medians): ` +
        `+${ms(extra)}, **${verdict(extra <= TARGET_EXTRA_MS)}**.`,
    ].join('\n'),
  };
}
