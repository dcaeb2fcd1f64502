/**
 * `tomcat-pd drain --every 1s --json` left running against a Tomcat with 50 versions of one app,
 * each holding a session (so every cycle reads everything and undeploys nothing): a cycle that
 * leaks (sockets, timers, listeners, reports) keeps memory alive. A plain run for
 * `--soak-minutes`, its RSS read from /proc; then, against the same versions, a run half as long
 * (at least a minute) with a full GC every 10 s and the live heap read after each
 * (lib/long-run.ts). Every cycle's JSON line is checked: read, all versions kept, no error.
 */
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { heapFigures, nearest, rssFigures, startLongRun, type Reading } from './lib/long-run.js';
import { byMeasure, type Benchmark } from './lib/record.js';
import { withTempDir } from './lib/temp-dir.js';
import { clientOf, startTomcats, stopTomcats, targetEnv } from './lib/tomcats.js';

const PATH = '/app';
const VERSIONS = 50;
const SAMPLE_EVERY_MS = 5_000;
const GC_EVERY_MS = 10_000;
/** The live heap's baseline: after start-up has settled (first cycles allocate caches, JIT code). */
const BASELINE_MS = 60_000;

/** Deploys versions 001..050 in order; after each, a new visitor's session lands on it and outlasts both runs. */
async function deployVersions(tomcat: LocalTomcatInstance, dir: string, minutes: number): Promise<void> {
  const warFile = await buildTestWar(dir, { label: 'soak', sessionTimeoutMinutes: Math.ceil(minutes) + 30 });
  const client = clientOf(tomcat);
  for (let n = 1; n <= VERSIONS; n++) {
    const version = String(n).padStart(3, '0');
    await client.deploy({ path: PATH, version, warFile });
    const visit = await new Visitor(tomcat.baseUrl).get(`${PATH}/`);
    if (visit.version !== version) throw new Error(`the session did not land on ${version}: ${visit.body}`);
  }
}

/** A cycle is good when it read the server, kept all the versions and undeployed nothing. */
function isGoodCycle(line: string): boolean {
  try {
    const { error, report } = JSON.parse(line) as {
      error?: unknown;
      report?: { undeployed: number; failed: number; apps: { path: string; versions: unknown[] }[] };
    };
    const app = report?.apps.find((each) => each.path === PATH);
    return (
      error === undefined &&
      report?.undeployed === 0 &&
      report.failed === 0 &&
      app?.versions.length === VERSIONS
    );
  } catch {
    return false;
  }
}

interface SoakRun {
  rss: Reading[];
  heap: Reading[];
  /** When each cycle's line arrived (ms after start), and whether it was good. */
  cycles: { atMs: number; good: boolean }[];
  exit: string;
  stderrTail: string;
}

/** Runs the drain loop for `minutes` (with a forced GC up to the next heap reading after them), then SIGTERM. */
async function soak(
  tomcat: LocalTomcatInstance,
  dir: string,
  minutes: number,
  gcEveryMs?: number,
): Promise<SoakRun> {
  const cycles: SoakRun['cycles'] = [];
  const run = startLongRun(['drain', '--every', '1s', '--json'], {
    env: targetEnv(tomcat),
    cwd: dir,
    sampleEveryMs: SAMPLE_EVERY_MS,
    gcEveryMs,
    onStdoutLine: (line) => cycles.push({ atMs: run.sinceStartMs(), good: isGoodCycle(line) }),
  });
  await Promise.race([run.exited, new Promise((resolve) => setTimeout(resolve, minutes * 60_000))]);
  if (gcEveryMs !== undefined) await run.nextHeapReading(gcEveryMs + 5_000);
  await run.sampleRss();
  const exit = await run.stop();
  return { rss: run.rss, heap: run.heap, cycles, exit, stderrTail: run.stderrTail() };
}

/** The figures of one run, a column of the table. */
function column(run: SoakRun, minutes: number, left: number): Record<string, number | string | undefined> {
  const figures = {
    minutes,
    ...rssFigures(run.rss),
    cycles: run.cycles.length,
    'cycles that kept every version': run.cycles.filter((cycle) => cycle.good).length,
    [`versions of ${PATH} left`]: left,
    'how it ended (SIGTERM)': run.exit,
  };
  if (run.heap.length === 0) return figures;
  const baselineMs = Math.min(BASELINE_MS, (minutes * 60_000) / 2);
  const baseline = nearest(run.heap, baselineMs)!;
  const cyclesSince = run.cycles.filter((cycle) => cycle.atMs >= baseline.atMs).length;
  const growthKb = run.heap.at(-1)!.kb - baseline.kb;
  return {
    ...figures,
    ...heapFigures(run.heap, baselineMs),
    'live heap growth bytes per cycle':
      cyclesSince === 0 ? undefined : Math.round((growthKb * 1024) / cyclesSince),
  };
}

export const benchSoak: Benchmark = (settings, log) =>
  withTempDir('soak', async (dir) => {
    const minutes = settings.soakMinutes;
    const gcMinutes = Math.max(1, minutes / 2);
    const tomcats = await startTomcats(1);
    try {
      const tomcat = tomcats[0]!;
      log(`  deploying ${VERSIONS} versions, each with a session ...`);
      await deployVersions(tomcat, dir, minutes + gcMinutes);
      const left = async () => (await clientOf(tomcat).list()).filter((entry) => entry.path === PATH).length;
      log(`  drain --every 1s for ${minutes} min ...`);
      const plain = await soak(tomcat, dir, minutes);
      const plainLeft = await left();
      log(`  drain --every 1s for ${gcMinutes} min, a full GC every ${GC_EVERY_MS / 1000} s ...`);
      const forced = await soak(tomcat, dir, gcMinutes, GC_EVERY_MS);
      const table = byMeasure({
        'plain run': column(plain, minutes, plainLeft),
        'forced-GC run': column(forced, gcMinutes, await left()),
      });
      return { table, samples: { plain, forced } };
    } finally {
      await stopTomcats(tomcats);
    }
  });
