/**
 * Item 6: `tomcat-pd drain --every 1s` left running against a Tomcat with 50 versions of one app,
 * each holding a session (so every cycle reads everything and undeploys nothing). Its RSS, sampled
 * from /proc, must stay flat: a cycle that leaks (sockets, timers, listeners, reports) grows it.
 */
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { LocalTomcatInstance } from '../test/harness/local-tomcat.js';
import { buildTestWar } from '../test/harness/test-war.js';
import { Visitor } from '../test/harness/visitor.js';
import { spawnCli } from './lib/cli-process.js';
import { markdownTable, megabytes, verdict } from './lib/markdown.js';
import type { Section } from './lib/results.js';
import { sampleNear, sampleRss } from './lib/rss-sampler.js';
import type { RssSample } from './lib/rss-sampler.js';
import { withTempDir } from './lib/temp-dir.js';
import { clientOf, startTomcats, stopTomcats, targetEnv } from './lib/tomcats.js';

const PATH = '/app';
const VERSIONS = 50;
const SAMPLE_EVERY_MS = 5_000;
const FLAT_MB = 5;
/** The baseline: after start-up has settled (first cycles allocate caches, JIT code). */
const BASELINE_MS = 60_000;

export interface SoakOptions {
  minutes: number;
  log: (line: string) => void;
}

/**
 * Deploys versions 001..050 in order; after each, a new visitor opens a session, which lands on
 * the newest version. The session timeout outlasts the soak, so no version ever drains.
 */
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

/** One line of `drain --every --json` (README, "JSON output"), the fields checked here. */
interface CycleLine {
  cycle?: number;
  error?: unknown;
  report?: { undeployed: number; failed: number; apps: { path: string; versions: unknown[] }[] };
}

/** A cycle is good when it read the server, kept all the versions and undeployed nothing. */
function isGoodCycle(text: string): boolean {
  let line: CycleLine;
  try {
    line = JSON.parse(text) as CycleLine;
  } catch {
    return false;
  }
  const report = line.report;
  if (line.error !== undefined || report === undefined) return false;
  const app = report.apps.find((a) => a.path === PATH);
  return report.undeployed === 0 && report.failed === 0 && app?.versions.length === VERSIONS;
}

interface SoakResult {
  samples: RssSample[];
  firstCycleKb: number | undefined;
  cycles: number;
  goodCycles: number;
  exit: string;
  stderrTail: string;
}

/** Runs the drain loop for `minutes`, counting its cycles and sampling its RSS; then SIGTERM. */
async function soak(tomcat: LocalTomcatInstance, dir: string, minutes: number): Promise<SoakResult> {
  const child = spawnCli(['drain', '--every', '1s', '--json'], { env: targetEnv(tomcat), cwd: dir });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const sampler = sampleRss(child.pid!, SAMPLE_EVERY_MS);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4_000)));
  const result = { firstCycleKb: undefined as number | undefined, cycles: 0, goodCycles: 0 };
  createInterface({ input: child.stdout! }).on('line', (text) => {
    result.cycles += 1;
    if (isGoodCycle(text)) result.goodCycles += 1;
    if (result.cycles === 1) void sampler.sampleNow().then((sample) => (result.firstCycleKb = sample?.kb));
  });
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, minutes * 60_000))]);
  await sampler.sampleNow();
  sampler.stop();
  const exit = await stopChild(child, exited);
  return { ...result, samples: sampler.samples, exit, stderrTail: stderr.trim() };
}

/** SIGTERM (the CLI finishes its cycle and exits 0), SIGKILL if it is still there after 30 s. */
async function stopChild(child: ChildProcess, exited: Promise<string>): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return exited;
  child.kill('SIGTERM');
  const late = setTimeout(() => child.kill('SIGKILL'), 30_000);
  try {
    return await exited;
  } finally {
    clearTimeout(late);
  }
}

export async function benchSoak(options: SoakOptions): Promise<Section> {
  return withTempDir('soak', async (dir) => {
    const tomcats = await startTomcats(1);
    try {
      options.log(`  deploying ${VERSIONS} versions, each with a session ...`);
      await deployVersions(tomcats[0]!, dir, options.minutes);
      options.log(`  drain --every 1s for ${options.minutes} min ...`);
      const result = await soak(tomcats[0]!, dir, options.minutes);
      const left = (await clientOf(tomcats[0]!).list()).filter((entry) => entry.path === PATH).length;
      return soakSection(result, left, options.minutes);
    } finally {
      await stopTomcats(tomcats);
    }
  });
}

/** The RSS figures of a soak, in KB; `undefined` where no sample exists. */
function rssFigures(samples: readonly RssSample[], minutes: number) {
  const durationMs = minutes * 60_000;
  // A soak shorter than two minutes has no settled minute: its middle sample stands in.
  const baselineAt = durationMs >= 2 * BASELINE_MS ? BASELINE_MS : durationMs / 2;
  const baseline = sampleNear(samples, baselineAt)?.kb;
  const halfTime = sampleNear(samples, durationMs / 2)?.kb;
  const end = samples.at(-1)?.kb;
  const minus = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : a - b;
  return {
    baselineAt,
    baseline,
    end,
    max: samples.length === 0 ? undefined : Math.max(...samples.map((s) => s.kb)),
    growth: minus(end, baseline),
    /** The second half alone: growth there is not warm-up (heap sizing before the first full GC). */
    secondHalfGrowth: minus(end, halfTime),
    // Minute 0 is the first sample (taken after the first cycle).
    perMinute: Array.from({ length: Math.floor(minutes) + 1 }, (_, minute) => ({
      minute,
      kb: sampleNear(samples, minute * 60_000)?.kb,
    })),
  };
}

const show = (kb: number | undefined) => (kb === undefined ? 'n/a' : megabytes(kb));

function soakSection(result: SoakResult, left: number, minutes: number): Section {
  const rss = rssFigures(result.samples, minutes);
  const isFlat = rss.growth !== undefined && rss.growth <= FLAT_MB * 1024;
  const allGood = result.goodCycles === result.cycles && result.cycles > 0 && left === VERSIONS;
  const perMinute = rss.perMinute.map(({ minute, kb }) => `${minute} min ${show(kb)}`).join(', ');
  return {
    name: 'soak',
    title: `6. Soak: drain --every 1s for ${minutes} min`,
    body: [
      `One local Tomcat, ${PATH} with ${VERSIONS} versions, each holding one visitor's session (timeout longer ` +
        `than the soak), so every cycle reads everything and undeploys nothing. \`tomcat-pd drain --every 1s ` +
        `--json\` ran for ${minutes} min, then got SIGTERM; its VmRSS was read from /proc/PID/status every ` +
        `${SAMPLE_EVERY_MS / 1000} s.`,
      '',
      markdownTable(
        ['measure', 'value'],
        [
          ['RSS after the first cycle', show(result.firstCycleKb)],
          [`RSS at ${(rss.baselineAt / 60_000).toFixed(1)} min (baseline)`, show(rss.baseline)],
          ['RSS at the end', show(rss.end)],
          ['RSS max', show(rss.max)],
          ['end minus baseline', show(rss.growth)],
          ['end minus half-time (second half alone)', show(rss.secondHalfGrowth)],
          ['cycles (JSON lines)', result.cycles],
          [`cycles that kept all ${VERSIONS} versions, no error`, result.goodCycles],
          [`versions of ${PATH} left at the end`, left],
          ['how the command ended', result.exit],
        ],
      ),
      '',
      `RSS at each minute (nearest sample): ${perMinute}; at the end ${show(rss.end)}.`,
      '',
      `Rule: flat = RSS at the end minus RSS at the baseline (1 min, or half-time for a soak under 2 min) ` +
        `within ${FLAT_MB} MB. Target: flat: **${verdict(isFlat)}**; ` +
        `every cycle kept all versions: **${verdict(allGood)}**.`,
      ...(allGood
        ? []
        : ['', `Last stderr of the command: ${result.stderrTail.slice(-500).replace(/\s+/g, ' ')}`]),
    ].join('\n'),
  };
}
