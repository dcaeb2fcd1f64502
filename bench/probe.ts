/**
 * Issue 11: the cost of a healthy `deploy --probe` against a plain deploy of the same small WAR
 * to the same Tomcat (interleaved), and the round trip of one probe request on its own. The
 * target: the probed deploy takes at most one probe round trip more (no fixed sleep).
 */
import { cpus } from 'node:os';
import { deploy } from '@tomcat-pd/core';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { runInterleaved } from './lib/interleave.js';
import type { Variant } from './lib/interleave.js';
import { SUMMARY_HEADERS, markdownTable, ms, summaryCells, verdict } from './lib/markdown.js';
import type { Section } from './lib/results.js';
import { waitForQuiet } from './lib/settle.js';
import { summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { clientOf, startTomcats, stopTomcats, targetEnv, undeployAll } from './lib/tomcats.js';
import type { ManagerTarget } from './lib/tomcats.js';

const PLAIN = 'deploy';
const PROBED = 'deploy --probe /';
/** Differences between interleaved deploys of a few hundred ms vary by this much on a quiet machine. */
const NOISE_MS = 25;

export interface ProbeBenchOptions {
  runs: number;
  log: (line: string) => void;
}

function deployVariant(
  name: string,
  target: ManagerTarget,
  warFile: string,
  cwd: string,
  extra: string[],
): Variant<number> {
  const path = name === PLAIN ? '/plain' : '/probed';
  return {
    name,
    measure: async () => {
      const run = await runCli(['deploy', warFile, '--path', path, '--quiet', ...extra], {
        env: targetEnv(target),
        cwd,
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

/**
 * The first GET of the app's page right after a version went live, as the probe makes it (a
 * fresh connection, no cookie), timed; each on a version deployed untimed just before. The first
 * request to a fresh version is what a probe pays: its JSP is compiled then.
 */
async function probeRoundTrips(target: ManagerTarget, warFile: string, runs: number): Promise<number[]> {
  const client = clientOf(target);
  const url = `${new URL(target.managerUrl).origin}/trip/`;
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    await deploy(client, { path: '/trip', warFile });
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

export async function benchProbe(options: ProbeBenchOptions): Promise<Section> {
  return withTempDir('probe', async (dir) => {
    const tomcats = await startTomcats(1);
    try {
      const target = tomcats[0]!;
      const war = await buildTestWar(dir, { label: 'probe' });
      const variants = [
        deployVariant(PLAIN, target, war, dir, []),
        deployVariant(PROBED, target, war, dir, ['--probe', '/']),
      ];
      const samples = await runInterleaved(variants, { runs: options.runs, warmUp: true, log: options.log });
      const plain = summarize(samples.get(PLAIN)!);
      const probed = summarize(samples.get(PROBED)!);
      const trip = summarize(await probeRoundTrips(target, war, options.runs));
      const extra = probed.median - plain.median;
      const met = extra <= trip.median + NOISE_MS;
      return {
        name: 'probe',
        title: '7. A healthy probe',
        body: [
          `Wall time of \`tomcat-pd deploy\` of a small WAR, plain and with \`--probe /\` (the app answers 200 at once), ${options.runs} interleaved runs each after a warm-up; and one probe request on its own: the first \`GET /\` of a version that has just gone live, on a fresh connection (its JSP compiles then), ${options.runs} runs.`,
          '',
          markdownTable(
            ['what', ...SUMMARY_HEADERS],
            [
              [`\`${PLAIN}\``, ...summaryCells(plain, ms)],
              [`\`${PROBED}\``, ...summaryCells(probed, ms)],
              ['one probe request', ...summaryCells(trip, ms)],
            ],
          ),
          '',
          `Target: the probed deploy at most one probe round trip more (medians, with ${NOISE_MS} ms for the noise of interleaved deploys): ` +
            `+${ms(extra)} against a round trip of ${ms(trip.median)}, **${verdict(met)}**.`,
        ].join('\n'),
      };
    } finally {
      await stopTomcats(tomcats);
    }
  });
}
