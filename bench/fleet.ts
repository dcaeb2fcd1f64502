/**
 * One deploy to 1, 4 and 8 local Tomcats (`tomcat-pd --config FILE deploy WAR` with the first N
 * targets, every default; also 8 with `--parallel 8`, the default being 4), against the by-hand
 * way, N `curl -T` at once; all in a terminal, as deploy.ts. With every Tomcat on this one
 * machine the JVMs compete for its cores, so the CPU seconds of the Tomcats, of the client and
 * of the whole machine are recorded beside the wall time.
 */
import { cpus } from 'node:os';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildLargeWar } from '@tomcat-pd/testkit/test-war';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { curlDeploy, writeCurlConfig } from './lib/curl.js';
import { runInterleaved, type Variant } from './lib/interleave.js';
import {
  cpuTimesSince,
  machineCpuTimes,
  reapedChildrenCpuSeconds,
  totalCpuSeconds,
  type MachineCpuTimes,
} from './lib/proc-stat.js';
import type { Benchmark } from './lib/record.js';
import { waitForQuiet } from './lib/settle.js';
import { round, spread, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { clientOf, startTomcats, stopTomcats, undeployAll, writeTargetsConfig } from './lib/tomcats.js';

const TARGET_COUNTS = [1, 4, 8] as const;
const MAX_TARGETS = 8;

const targetsOf = (count: number) => `${count} target${count === 1 ? '' : 's'}`;

interface FleetSample {
  wallMs: number;
  /** CPU seconds the N Tomcat JVMs used during the deploy (/proc/PID/stat, before and after). */
  tomcatCpuSeconds: number;
  /** CPU seconds of the client process(es): tomcat-pd, or the N curls. */
  clientCpuSeconds: number;
  /** The whole machine meanwhile (/proc/stat): whatever else ran counts too. */
  machine: MachineCpuTimes;
}

/** A timed deploy to `tomcats`, each run to a fresh path, undeployed from every target afterwards, untimed. */
function fleetVariant(
  name: string,
  tomcats: readonly LocalTomcatInstance[],
  deploy: (path: string) => Promise<void>,
): Variant<FleetSample> {
  const pids = tomcats.map((tomcat) => tomcat.pid!);
  const readCpu = () => Promise.all([totalCpuSeconds(pids), reapedChildrenCpuSeconds(), machineCpuTimes()]);
  return {
    name,
    measure: async (run) => {
      const path = `/fleet-${run < 0 ? 'warm' : run + 1}`;
      const [tomcatBefore, clientBefore, machineBefore] = await readCpu();
      const started = performance.now();
      await deploy(path);
      const wallMs = performance.now() - started;
      const [tomcatAfter, clientAfter, machineAfter] = await readCpu();
      await Promise.all(tomcats.map((tomcat) => undeployAll(clientOf(tomcat), path)));
      await waitForQuiet(cpus().length);
      return {
        wallMs,
        tomcatCpuSeconds: tomcatAfter - tomcatBefore,
        clientCpuSeconds: clientAfter - clientBefore,
        machine: cpuTimesSince(machineBefore, machineAfter),
      };
    },
  };
}

/** A row: wall time, against the same client's 1-target median, and where the CPU went. */
function rowOf(series: readonly FleetSample[], oneTargetMedianMs: number) {
  const cores = cpus().length;
  const median = (of: (sample: FleetSample) => number) => summarize(series.map(of)).median;
  const wall = median((sample) => sample.wallMs);
  return {
    ...spread(
      series.map((sample) => sample.wallMs),
      'ms',
    ),
    'x 1 target (medians)': round(wall / oneTargetMedianMs, 2),
    'Tomcat CPU s (median)': round(
      median((sample) => sample.tomcatCpuSeconds),
      2,
    ),
    'client CPU s (median)': round(
      median((sample) => sample.clientCpuSeconds),
      2,
    ),
    // The least wall time any scheduling allows: all that CPU work spread evenly over the cores.
    'CPU floor ms (median)': round(median((s) => ((s.tomcatCpuSeconds + s.clientCpuSeconds) / cores) * 1000)),
    'machine busy % (median)': round(median((s) => (s.machine.busy / ((s.wallMs / 1000) * cores)) * 100)),
  };
}

export const benchFleet: Benchmark = (settings, log) =>
  withTempDir('fleet', async (dir) => {
    log(`  starting ${MAX_TARGETS} local Tomcats ...`);
    const tomcats = await startTomcats(MAX_TARGETS);
    try {
      const war = await buildLargeWar(dir, Math.round(settings.fleetSizeMb * 1024 * 1024), 'fleet');
      const curlConfigs = await Promise.all(
        tomcats.map((tomcat, i) => writeCurlConfig(dir, tomcat, `curl-${i + 1}.conf`)),
      );
      const tomcatPd = async (count: number, parallel?: number) => {
        const { configFile, env } = await writeTargetsConfig(
          dir,
          `fleet-${count}.json`,
          tomcats.slice(0, count),
        );
        const extra = parallel === undefined ? [] : ['--parallel', String(parallel)];
        const name = `tomcat-pd${parallel === undefined ? '' : ` --parallel ${parallel}`}, ${targetsOf(count)}`;
        return fleetVariant(name, tomcats.slice(0, count), async (path) => {
          const args = ['--config', configFile, ...extra, 'deploy', war, '--path', path];
          assertSucceeded(await runCli(args, { env, cwd: dir, terminal: true }), name);
        });
      };
      const curls = (count: number) =>
        fleetVariant(`${count} x curl -T at once`, tomcats.slice(0, count), async (path) => {
          const deploys = tomcats
            .slice(0, count)
            .map((tomcat, i) =>
              curlDeploy(tomcat, curlConfigs[i]!, war, { path, version: '001', terminal: true }),
            );
          await Promise.all(deploys);
        });
      const variants = [
        ...(await Promise.all(TARGET_COUNTS.map((count) => tomcatPd(count)))),
        await tomcatPd(MAX_TARGETS, MAX_TARGETS),
        ...TARGET_COUNTS.map(curls),
      ];
      const samples = await runInterleaved(variants, { runs: settings.runs, log });
      const oneTarget = (name: string) =>
        summarize(samples.runs[name]!.map((sample) => sample.wallMs)).median;
      const table = Object.fromEntries(
        variants.map(({ name }) => [
          name,
          rowOf(
            samples.runs[name]!,
            oneTarget(name.includes('curl') ? '1 x curl -T at once' : `tomcat-pd, ${targetsOf(1)}`),
          ),
        ]),
      );
      return { table, samples };
    } finally {
      await stopTomcats(tomcats);
    }
  });
