/**
 * Items 1 and 2: a big upload with `tomcat-pd deploy` against `curl -T` of the same file to the
 * same Tomcat (wall time, interleaved), and the peak RSS of the tomcat-pd process for a 30 MB
 * and the big WAR. Both come from the same tomcat-pd runs of the big WAR.
 */
import { cpus } from 'node:os';
import { buildLargeWar } from '../test/harness/test-war.js';
import { assertSucceeded, runCli, runNode } from './lib/cli-process.js';
import { curlDeploy } from './lib/curl.js';
import { runInterleaved } from './lib/interleave.js';
import type { Variant } from './lib/interleave.js';
import {
  SUMMARY_HEADERS,
  markdownTable,
  megabytes,
  ms,
  ratio,
  summaryCells,
  verdict,
} from './lib/markdown.js';
import { reapedChildrenCpuSeconds } from './lib/proc-stat.js';
import type { Section } from './lib/results.js';
import { pairedRatios, summarize } from './lib/stats.js';
import type { Summary } from './lib/stats.js';
import { waitForQuiet } from './lib/settle.js';
import { withTempDir } from './lib/temp-dir.js';
import { clientOf, startTomcats, stopTomcats, targetEnv, undeployAll } from './lib/tomcats.js';
import type { ManagerTarget } from './lib/tomcats.js';

const SMALL_WAR_MB = 30;
const TARGET_RATIO = 1.1;
// Issue 19, item 11: a deploy with the check on of a 300 MB WAR peaks at most at 60 MB.
const TARGET_PEAK_RSS_MB = 60;
const CURL = 'curl -T';
const TOMCAT_PD = 'tomcat-pd deploy';

export interface DeployBenchOptions {
  /** Item 1: also the curl runs, interleaved with tomcat-pd's. */
  withCurl: boolean;
  /** Item 2: also the runs with the 30 MB WAR, and the memory section. */
  withMemory: boolean;
  runs: number;
  sizeMb: number;
  log: (line: string) => void;
}

interface DeploySample {
  wallMs: number;
  /** CPU seconds of the client process (curl or node), from this process's reaped children. */
  clientCpuSeconds: number;
  peakRssKb?: number;
}

/** Measures one client's upload; `deploy` does it, the app is undeployed afterwards, untimed. */
function deployVariant(
  name: string,
  target: ManagerTarget,
  path: string,
  deploy: () => Promise<Omit<DeploySample, 'clientCpuSeconds'>>,
): Variant<DeploySample> {
  return {
    name,
    measure: async () => {
      const cpuBefore = await reapedChildrenCpuSeconds();
      const sample = await deploy();
      const clientCpuSeconds = (await reapedChildrenCpuSeconds()) - cpuBefore;
      // Untimed: keeps Tomcat's webapps (and the disk) the same for every run; the next run
      // starts on a quiet machine.
      await undeployAll(clientOf(target), path);
      await waitForQuiet(cpus().length);
      return { ...sample, clientCpuSeconds };
    },
  };
}

function curlVariant(target: ManagerTarget, warFile: string): Variant<DeploySample> {
  return deployVariant(CURL, target, '/curl', () =>
    curlDeploy(target, warFile, { path: '/curl', version: '001' }),
  );
}

function tomcatPdVariant(target: ManagerTarget, warFile: string, cwd: string): Variant<DeploySample> {
  return deployVariant(TOMCAT_PD, target, '/tpd', async () => {
    // As a user types it: no --quiet (through a pipe there is no progress bar either way).
    const run = await runCli(['deploy', warFile, '--path', '/tpd'], {
      env: targetEnv(target),
      cwd,
    });
    assertSucceeded(run, 'tomcat-pd deploy');
    if (run.peakRssKb === undefined)
      throw new Error('tomcat-pd deploy exited without reporting its peak RSS');
    return { wallMs: run.wallMs, peakRssKb: run.peakRssKb };
  });
}

export async function benchDeployAndMemory(options: DeployBenchOptions): Promise<Section[]> {
  return withTempDir('deploy', async (dir) => {
    const tomcats = await startTomcats(1);
    try {
      const target = tomcats[0]!;
      options.log(`  building a ${options.sizeMb} MB WAR ...`);
      const bigWar = await buildLargeWar(dir, Math.round(options.sizeMb * 1024 * 1024), 'big');
      const bigVariants = [
        ...(options.withCurl ? [curlVariant(target, bigWar)] : []),
        tomcatPdVariant(target, bigWar, dir),
      ];
      // No unrecorded warm-up: the first pair is what a user's first try meets (a fresh Tomcat,
      // the WAR's first read), reported on its own; the medians are of the runs after it.
      const all = await runInterleaved(bigVariants, {
        runs: options.runs + 1,
        warmUp: false,
        log: options.log,
      });
      const big = new Map([...all].map(([name, series]) => [name, series.slice(1)]));
      const sections: Section[] = [];
      if (options.withCurl) sections.push(deploySection(big, options, all));
      if (options.withMemory) {
        options.log(`  building a ${SMALL_WAR_MB} MB WAR ...`);
        const smallWar = await buildLargeWar(dir, SMALL_WAR_MB * 1024 * 1024, 'small');
        const small = await runInterleaved([tomcatPdVariant(target, smallWar, dir)], {
          runs: options.runs,
          warmUp: true,
          log: options.log,
        });
        const baseline = await nodeBaselineKb(dir);
        sections.push(memorySection(small.get(TOMCAT_PD)!, all.get(TOMCAT_PD)!, baseline, options.sizeMb));
      }
      return sections;
    } finally {
      await stopTomcats(tomcats);
    }
  });
}

function deploySection(
  samples: Map<string, DeploySample[]>,
  options: DeployBenchOptions,
  withFirst: Map<string, DeploySample[]>,
): Section {
  const curl = samples.get(CURL)!;
  const tomcatPd = samples.get(TOMCAT_PD)!;
  const first = (name: string) => withFirst.get(name)![0]!;
  const cpuOf = (series: DeploySample[]) => summarize(series.map((s) => s.clientCpuSeconds)).median;
  const wall = (series: DeploySample[]) => summarize(series.map((s) => s.wallMs));
  const row = (name: string, series: DeploySample[]) => {
    const time = wall(series);
    const cpu = summarize(series.map((s) => s.clientCpuSeconds)).median;
    return [
      name,
      ...summaryCells(time, ms),
      `${(options.sizeMb / (time.median / 1000)).toFixed(0)} MB/s`,
      `${cpu.toFixed(2)} s`,
    ];
  };
  const ofMedians = wall(tomcatPd).median / wall(curl).median;
  const paired: Summary = summarize(
    pairedRatios(
      tomcatPd.map((s) => s.wallMs),
      curl.map((s) => s.wallMs),
    ),
  );
  return {
    name: 'deploy',
    title: `1. Deploy a ${options.sizeMb} MB WAR: tomcat-pd vs curl`,
    body: [
      `One local Tomcat; the same WAR (random bytes, stored) uploaded by \`curl -sS -T WAR -K - 'MANAGER/text/deploy?path=/curl&version=001'\` ` +
        '(credentials in a config on stdin) and by `tomcat-pd deploy WAR --path /tpd` (the check on, as by default), ' +
        'interleaved; the first pair, on a fresh Tomcat, is reported apart and left out of the medians. ' +
        'Wall time from spawn to exit of the client, which includes Tomcat unpacking and starting the app; ' +
        'each app is undeployed after its run and the next run waits for a quiet machine (untimed). ' +
        'By hand, without the undeploy and the wait, each deploy meets the disk work of the ones before ' +
        '(the unpacked apps written back): runs drift slower, and a best of three compares runs of ' +
        'different moments. Client CPU: user + system seconds of the curl or node process; on two cores ' +
        'shared with Tomcat it becomes wall time as soon as the machine is busy.',
      '',
      markdownTable(
        ['client', ...SUMMARY_HEADERS, 'throughput (median)', 'client CPU (median)'],
        [row(`\`${CURL}\``, curl), row(`\`${TOMCAT_PD}\``, tomcatPd)],
      ),
      '',
      markdownTable(
        ['tomcat-pd / curl', ...SUMMARY_HEADERS],
        [
          ['ratio of the medians', ratio(ofMedians), '', '', ''],
          ['ratio within each interleaved pair', ...summaryCells(paired, ratio)],
          // What a by-hand "best of three" compares.
          ['ratio of the fastest runs', ratio(wall(tomcatPd).min / wall(curl).min), '', '', ''],
          [
            'first pair (fresh Tomcat, not in the medians)',
            ratio(first(TOMCAT_PD).wallMs / first(CURL).wallMs),
            '',
            '',
            '',
          ],
          ['client CPU, ratio of the medians', ratio(cpuOf(tomcatPd) / cpuOf(curl)), '', '', ''],
        ],
      ),
      '',
      `Target: tomcat-pd at most ${ratio(TARGET_RATIO)} curl's time (ratio of the medians): ${ratio(ofMedians)}, ` +
        `**${verdict(ofMedians <= TARGET_RATIO)}**.`,
    ].join('\n'),
  };
}

/** Peak RSS of a bare `node -e 0`: the floor under any Node process's figure. */
async function nodeBaselineKb(cwd: string): Promise<number> {
  const runs = [];
  for (let i = 0; i < 3; i++)
    runs.push(assertSucceeded(await runNode(['-e', '0'], { cwd }), 'node -e 0').peakRssKb!);
  return summarize(runs).median;
}

function memorySection(
  small: DeploySample[],
  big: DeploySample[],
  baselineKb: number,
  sizeMb: number,
): Section {
  const peak = (series: DeploySample[]) => summarize(series.map((s) => s.peakRssKb!));
  const rows = [
    [`${SMALL_WAR_MB} MB WAR`, peak(small)],
    [`${sizeMb} MB WAR`, peak(big)],
  ] as const;
  const isMet = rows.every(([, summary]) => summary.max <= TARGET_PEAK_RSS_MB * 1024);
  return {
    name: 'memory',
    title: '2. Peak memory of tomcat-pd deploy',
    body: [
      'Peak resident set size (VmHWM of /proc/self/status, read by a preloaded `process.on("exit")` hook; ' +
        'see bench/lib/cli-process.ts for why not getrusage) of the ' +
        '`tomcat-pd deploy WAR --path /tpd` process; the big WAR from the tomcat-pd runs of section 1 ' +
        '(the same runs, when both were measured), ' +
        `the ${SMALL_WAR_MB} MB WAR in separate runs against the same Tomcat. ` +
        `For scale: a bare \`node -e 0\` peaks at ${megabytes(baselineKb)} on this machine.`,
      '',
      markdownTable(
        ['WAR', ...SUMMARY_HEADERS],
        rows.map(([label, summary]) => [label, ...summaryCells(summary, megabytes)]),
      ),
      '',
      `Target: at most ${TARGET_PEAK_RSS_MB} MB for both, judged on the max of the runs (a peak is a peak): ` +
        `**${verdict(isMet)}**.`,
    ].join('\n'),
  };
}
