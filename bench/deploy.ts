/**
 * A big deploy as a user runs it, against `curl -T` of the same file in the same run:
 * `tomcat-pd deploy WAR --path /tpd` with every default (the WAR check on), in a terminal (the
 * progress bar is drawn), a new process each run; `curl -T WAR`, in a terminal too. The WAR is
 * one large stored entry of random bytes beside a web.xml and a JSP. One local Tomcat,
 * interleaved runs after a warm-up round (its figures in the record, and as the first run's
 * column); each app is undeployed after its run, untimed, and the next run waits for a quiet
 * machine. Wall time from spawn to exit (Tomcat unpacking and starting the app included), the
 * client's CPU, tomcat-pd's peak RSS, beside the peak of `node -e 0` (what any Node process pays
 * on this machine: NODE_EXTRA_CA_CERTS, for one, adds its certificates to every process).
 */
import { cpus } from 'node:os';
import { buildLargeWar } from '@tomcat-pd/testkit/test-war';
import { assertSucceeded, runCli, runNode, type CommandRun } from './lib/cli-process.js';
import { curlDeploy, writeCurlConfig } from './lib/curl.js';
import { runInterleaved, type Interleaved, type Variant } from './lib/interleave.js';
import { reapedChildrenCpuSeconds, totalCpuSeconds } from './lib/proc-stat.js';
import type { Benchmark } from './lib/record.js';
import { waitForQuiet } from './lib/settle.js';
import { megabytes, pairedRatios, round, spread, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import {
  clientOf,
  startTomcats,
  stopTomcats,
  targetEnv,
  undeployAll,
  type ManagerTarget,
} from './lib/tomcats.js';

const CURL = 'curl -T';
const TOMCAT_PD = 'tomcat-pd deploy';
/** Runs of `node -e 0` for the floor of the peak RSS: it hardly varies. */
const FLOOR_RUNS = 3;

export interface DeploySample {
  wallMs: number;
  /** CPU seconds of the client process (curl or node), from this process's reaped children. */
  clientCpuSeconds: number;
  peakRssKb: number | undefined;
}

/**
 * One client's deploy to `path` (`run` counts from 0, the warm-up is -1); the app is undeployed
 * afterwards and the machine left to quieten. The CPU of `helperPids`, processes that work for
 * the client while it runs (the `ssh -L` of a tunnel), is counted as the client's.
 */
export function deployVariant(
  name: string,
  target: ManagerTarget,
  path: string,
  deploy: (run: number) => Promise<CommandRun>,
  helperPids: readonly number[] = [],
): Variant<DeploySample> {
  const clientCpu = async () => (await reapedChildrenCpuSeconds()) + (await totalCpuSeconds(helperPids));
  return {
    name,
    measure: async (runIndex) => {
      const cpuBefore = await clientCpu();
      const run = await deploy(runIndex);
      const clientCpuSeconds = (await clientCpu()) - cpuBefore;
      await undeployAll(clientOf(target), path);
      await waitForQuiet(cpus().length);
      return { wallMs: run.wallMs, clientCpuSeconds, peakRssKb: run.peakRssKb };
    },
  };
}

export const wallTimes = (samples: Interleaved<DeploySample>, name: string): number[] =>
  samples.runs[name]!.map((sample) => sample.wallMs);

/** A client's row: its wall times, the warm-up run, its throughput, CPU and peak RSS (medians). */
export function deployRow(samples: Interleaved<DeploySample>, name: string, sizeMb: number) {
  const series = samples.runs[name]!;
  const wall = wallTimes(samples, name);
  const peaks = series.flatMap((sample) => sample.peakRssKb ?? []);
  return {
    ...spread(wall, 'ms'),
    'warm-up ms': round(samples.warmUp[name]![0]!.wallMs),
    'MB/s (median)': round(sizeMb / (summarize(wall).median / 1000)),
    'CPU s': round(summarize(series.map((s) => s.clientCpuSeconds)).median, 2),
    'peak RSS MB': peaks.length === 0 ? undefined : megabytes(summarize(peaks).median),
    'max RSS MB': peaks.length === 0 ? undefined : megabytes(summarize(peaks).max),
  };
}

export const benchDeploy: Benchmark = (settings, log) =>
  withTempDir('deploy', async (dir) => {
    const tomcats = await startTomcats(1);
    try {
      const target = tomcats[0]!;
      log(`  building a ${settings.sizeMb} MB WAR ...`);
      const war = await buildLargeWar(dir, Math.round(settings.sizeMb * 1024 * 1024), 'big');
      const curlConfig = await writeCurlConfig(dir, target);
      const variants = [
        deployVariant(CURL, target, '/curl', () =>
          curlDeploy(target, curlConfig, war, { path: '/curl', version: '001', terminal: true }),
        ),
        deployVariant(TOMCAT_PD, target, '/tpd', async () =>
          assertSucceeded(
            await runCli(['deploy', war, '--path', '/tpd'], {
              env: targetEnv(target),
              cwd: dir,
              terminal: true,
            }),
            TOMCAT_PD,
          ),
        ),
      ];
      const samples = await runInterleaved(variants, { runs: settings.runs, log });
      const floorPeaks: number[] = [];
      for (let run = 0; run < FLOOR_RUNS; run++) {
        floorPeaks.push(assertSucceeded(await runNode(['-e', '0'], { cwd: dir }), 'node -e 0').peakRssKb!);
      }
      const wall = (name: string) => wallTimes(samples, name);
      const row = (name: string) => deployRow(samples, name, settings.sizeMb);
      const [tomcatPd, curl] = [summarize(wall(TOMCAT_PD)), summarize(wall(CURL))];
      return {
        table: {
          [CURL]: row(CURL),
          [TOMCAT_PD]: {
            ...row(TOMCAT_PD),
            'x curl': round(tomcatPd.median / curl.median, 2),
            'x curl (fastest)': round(tomcatPd.min / curl.min, 2),
            'node -e 0 peak RSS MB': megabytes(summarize(floorPeaks).median),
          },
        },
        samples: {
          ...samples,
          pairedRatios: pairedRatios(wall(TOMCAT_PD), wall(CURL)),
          floorPeakRssKb: floorPeaks,
        },
      };
    } finally {
      await stopTomcats(tomcats);
    }
  });
