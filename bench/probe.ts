/**
 * The cost of a healthy `deploy --probe /` against a plain deploy of the same small WAR to the
 * same Tomcat (interleaved, every other default), and the round trip of one probe request on its
 * own: the first `GET /` of a version that has just gone live, on a fresh connection (its JSP
 * compiles then), as the probe makes it.
 */
import { cpus } from 'node:os';
import { deploy } from '@tomcat-pd/core';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { runInterleaved, type Variant } from './lib/interleave.js';
import type { Benchmark } from './lib/record.js';
import { waitForQuiet } from './lib/settle.js';
import { round, spread, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import {
  clientOf,
  startTomcats,
  stopTomcats,
  targetEnv,
  undeployAll,
  type ManagerTarget,
} from './lib/tomcats.js';

const PLAIN = 'deploy';
const PROBED = 'deploy --probe /';

function deployVariant(name: string, target: ManagerTarget, war: string, dir: string): Variant<number> {
  const path = name === PLAIN ? '/plain' : '/probed';
  const extra = name === PLAIN ? [] : ['--probe', '/'];
  return {
    name,
    measure: async () => {
      const run = await runCli(['deploy', war, '--path', path, ...extra], {
        env: targetEnv(target),
        cwd: dir,
        measureRss: false,
      });
      assertSucceeded(run, `tomcat-pd ${name}`);
      // Untimed: the next run deploys to an empty app again, on a quiet machine.
      await undeployAll(clientOf(target), path);
      await waitForQuiet(cpus().length);
      return run.wallMs;
    },
  };
}

/** The first GET of a version deployed (untimed) just before, with no cookie on a new connection. */
async function probeRoundTrips(target: ManagerTarget, war: string, runs: number): Promise<number[]> {
  const client = clientOf(target);
  const url = `${new URL(target.managerUrl).origin}/trip/`;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    await deploy(client, { path: '/trip', warFile: war });
    const started = performance.now();
    const answer = await fetch(url, { headers: { connection: 'close' } });
    await answer.arrayBuffer();
    times.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`${url} answered ${answer.status}`);
    await undeployAll(client, '/trip');
    await waitForQuiet(cpus().length);
  }
  return times;
}

export const benchProbe: Benchmark = (settings, log) =>
  withTempDir('probe', async (dir) => {
    const tomcats = await startTomcats(1);
    try {
      const target = tomcats[0]!;
      const war = await buildTestWar(dir, { label: 'probe' });
      const deploys = await runInterleaved(
        [PLAIN, PROBED].map((name) => deployVariant(name, target, war, dir)),
        { runs: settings.runs, log },
      );
      const roundTrips = await probeRoundTrips(target, war, settings.runs);
      const plain = summarize(deploys.runs[PLAIN]!).median;
      return {
        table: {
          [PLAIN]: spread(deploys.runs[PLAIN]!, 'ms'),
          [PROBED]: {
            ...spread(deploys.runs[PROBED]!, 'ms'),
            'over deploy ms (medians)': round(summarize(deploys.runs[PROBED]!).median - plain),
          },
          'one probe request': spread(roundTrips, 'ms'),
        },
        samples: { ...deploys, roundTrips },
      };
    } finally {
      await stopTomcats(tomcats);
    }
  });
