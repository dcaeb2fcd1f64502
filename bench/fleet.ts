/**
 * Item 4: one deploy to 1, 4 and 8 local Tomcats (`tomcat-pd deploy --config` with the first N
 * targets), also 8 with `--parallel 8` (the default runs 4 at once), against the by-hand way: N
 * `curl -T` uploads at once. With every Tomcat on this one machine, the JVMs compete for its
 * cores; the CPU seconds they, the client and the whole machine used tell whether the cores
 * are the limit.
 */
import { cpus } from 'node:os';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildLargeWar } from '@tomcat-pd/testkit/test-war';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { curlDeploy } from './lib/curl.js';
import { runInterleaved } from './lib/interleave.js';
import { fleetSection } from './fleet-report.js';
import type { FleetVariant } from './fleet-report.js';
import {
  cpuTimesSince,
  machineCpuTimes,
  reapedChildrenCpuSeconds,
  totalCpuSeconds,
} from './lib/proc-stat.js';
import type { Section } from './lib/results.js';
import { waitForQuiet } from './lib/settle.js';
import { withTempDir } from './lib/temp-dir.js';
import { clientOf, startTomcats, stopTomcats, undeployAll, writeTargetsConfig } from './lib/tomcats.js';

const TARGET_COUNTS = [1, 4, 8] as const;
const MAX_TARGETS = 8;

export interface FleetBenchOptions {
  runs: number;
  sizeMb: number;
  log: (line: string) => void;
}

const tomcatPdName = (count: number, parallel?: number) =>
  `tomcat-pd${parallel === undefined ? '' : ` --parallel ${parallel}`}, ${count} target${count === 1 ? '' : 's'}`;
const curlName = (count: number) => `${count} x curl -T at once`;

/**
 * One timed deploy to `tomcats` with `deploy(path)`, each run to a fresh path (no version
 * carries over between runs), undeployed afterwards from every target, untimed.
 */
function fleetVariant(
  identity: Pick<FleetVariant, 'name' | 'client' | 'parallel'> & { slug: string },
  tomcats: readonly LocalTomcatInstance[],
  deploy: (path: string) => Promise<void>,
): FleetVariant {
  const pids = tomcats.map((tomcat) => tomcat.pid!);
  const readCpu = () => Promise.all([totalCpuSeconds(pids), reapedChildrenCpuSeconds(), machineCpuTimes()]);
  return {
    name: identity.name,
    client: identity.client,
    parallel: identity.parallel,
    targets: tomcats.length,
    measure: async (run) => {
      const path = `/fleet-${run < 0 ? 'warm' : run + 1}-${identity.slug}`;
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

async function tomcatPdVariant(
  tomcats: LocalTomcatInstance[],
  count: number,
  parallel: number | undefined,
  files: { warFile: string; dir: string },
): Promise<FleetVariant> {
  const targets = tomcats.slice(0, count);
  const { configFile, env } = await writeTargetsConfig(files.dir, `fleet-${count}.json`, targets);
  const extra = parallel === undefined ? [] : ['--parallel', String(parallel)];
  const slug = `tpd${count}${parallel === undefined ? '' : `p${parallel}`}`;
  const identity = { name: tomcatPdName(count, parallel), client: 'tomcat-pd' as const, parallel, slug };
  return fleetVariant(identity, targets, async (path) => {
    const args = ['--config', configFile, ...extra, 'deploy', files.warFile, '--path', path, '--quiet'];
    assertSucceeded(await runCli(args, { env, cwd: files.dir }), `tomcat-pd deploy to ${count} targets`);
  });
}

function curlVariant(tomcats: LocalTomcatInstance[], count: number, warFile: string): FleetVariant {
  const targets = tomcats.slice(0, count);
  const identity = {
    name: curlName(count),
    client: 'curl' as const,
    parallel: undefined,
    slug: `curl${count}`,
  };
  return fleetVariant(identity, targets, async (path) => {
    await Promise.all(targets.map((tomcat) => curlDeploy(tomcat, warFile, { path, version: '001' })));
  });
}

export async function benchFleet(options: FleetBenchOptions): Promise<Section> {
  return withTempDir('fleet', async (dir) => {
    options.log(`  starting ${MAX_TARGETS} local Tomcats ...`);
    const tomcats = await startTomcats(MAX_TARGETS);
    try {
      const warFile = await buildLargeWar(dir, Math.round(options.sizeMb * 1024 * 1024), 'fleet');
      const files = { warFile, dir };
      const variants = [
        ...(await Promise.all(TARGET_COUNTS.map((n) => tomcatPdVariant(tomcats, n, undefined, files)))),
        await tomcatPdVariant(tomcats, MAX_TARGETS, MAX_TARGETS, files),
        ...TARGET_COUNTS.map((n) => curlVariant(tomcats, n, warFile)),
      ];
      const samples = await runInterleaved(variants, { runs: options.runs, warmUp: true, log: options.log });
      return fleetSection(variants, samples, { sizeMb: options.sizeMb, maxTargets: MAX_TARGETS });
    } finally {
      await stopTomcats(tomcats);
    }
  });
}
