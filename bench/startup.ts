/**
 * Item 5: start-up cost of the command. `tomcat-pd --version` (and `--help`) against bare
 * `node -e 0`, the floor any Node CLI pays; the difference is what tomcat-pd adds. And
 * `tomcat-pd status` against one stand-in Manager answering at once (issue 19, item 11): the
 * start-up of a command that loads the library, reads and prints, with no Tomcat to wait for.
 */
import { tmpdir } from 'node:os';
import { assertSucceeded, runCli, runNode } from './lib/cli-process.js';
import type { NodeRun } from './lib/cli-process.js';
import { runInterleaved } from './lib/interleave.js';
import type { Variant } from './lib/interleave.js';
import { SUMMARY_HEADERS, markdownTable, ms, summaryCells, verdict } from './lib/markdown.js';
import type { Section } from './lib/results.js';
import { summarize } from './lib/stats.js';
import { startStandIns } from './lib/stand-in-manager.js';
import { cliEnv } from './lib/tomcats.js';

/** Start-up runs are cheap, and their spread is a few ms: more runs than for deploys. */
const STARTUP_RUNS = 20;
// Issue 19, item 11: `--version` and `status` at most 30 ms over `node -e 0`.
const TARGET_EXTRA_MS = 30;

export async function benchStartup(log: (line: string) => void): Promise<Section> {
  // No preload here: measuring the peak RSS would itself load a module and tilt the timing.
  const options = { env: cliEnv(), cwd: tmpdir(), measureRss: false };
  const timed = (name: string, run: () => Promise<NodeRun>): Variant<number> => ({
    name,
    measure: async () => assertSucceeded(await run(), name).wallMs,
  });
  const fleet = await startStandIns(1, 0);
  const target = fleet.targets[0]!;
  const statusOptions = {
    ...options,
    env: cliEnv({
      TOMCAT_PD_URL: target.managerUrl,
      TOMCAT_PD_USER: target.user,
      TOMCAT_PD_PASSWORD: target.password,
    }),
  };
  const variants = [
    timed('node -e 0', () => runNode(['-e', '0'], options)),
    timed('tomcat-pd --version', () => runCli(['--version'], options)),
    timed('tomcat-pd --help', () => runCli(['--help'], options)),
    timed('tomcat-pd status (one stand-in)', () => runCli(['status'], statusOptions)),
  ];
  const samples = await runInterleaved(variants, { runs: STARTUP_RUNS, warmUp: true, log }).finally(() =>
    fleet.close(),
  );
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
  const extra = Math.max(summaries[1]!.median, summaries[3]!.median) - floor;
  return {
    name: 'startup',
    title: '5. Start-up',
    body: [
      `Wall time from spawn to exit, ${STARTUP_RUNS} interleaved runs each (after one warm-up run each), run with this Node binary; ` +
        'no Tomcat involved: `status` reads one stand-in Manager (bench/lib/stand-in-manager.ts) in this process that answers at once.',
      '',
      markdownTable(['command', ...SUMMARY_HEADERS, 'added to node -e 0 (medians)'], rows),
      '',
      `Target: \`tomcat-pd --version\` and \`status\` at most ${TARGET_EXTRA_MS} ms more than \`node -e 0\` (medians, the slower of the two): ` +
        `+${ms(extra)}, **${verdict(extra <= TARGET_EXTRA_MS)}**.`,
    ].join('\n'),
  };
}
