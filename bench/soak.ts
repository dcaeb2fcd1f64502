/**
 * Item 6: `tomcat-pd drain --every 1s` left running against a Tomcat with 50 versions of one app,
 * each holding a session (so every cycle reads everything and undeploys nothing). A cycle that
 * leaks (sockets, timers, listeners, reports) keeps memory alive.
 *
 * Two runs. The plain one samples the RSS from /proc, the CLI unchanged. RSS alone cannot tell
 * warm-up from a slow leak: it rises while V8 lets garbage pile up and sizes its heap before its
 * first full collection, and a leak of a few KB per cycle hides in that rise. So a second run,
 * against the same versions and sessions, forces a full GC every 10 s and reads the live heap
 * after it: what is left then is what the cycles keep, measured directly.
 */
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { extractHeapKb, gcHeapPreload, spawnCli } from './lib/cli-process.js';
import { markdownTable, megabytes, verdict } from './lib/markdown.js';
import type { Section } from './lib/results.js';
import { sampleNear, sampleRss } from './lib/rss-sampler.js';
import type { RssSample } from './lib/rss-sampler.js';
import { withTempDir } from './lib/temp-dir.js';
import { clientOf, startTomcats, stopTomcats, targetEnv } from './lib/tomcats.js';

const PATH = '/app';
const VERSIONS = 50;
const SAMPLE_EVERY_MS = 5_000;
/** The plain run's RSS may move this much in its second half (after warm-up). */
const FLAT_MB = 5;
/** The baseline: after start-up has settled (first cycles allocate caches, JIT code). */
const BASELINE_MS = 60_000;
/** The second run: a full GC this often, each followed by a reading of the live heap. */
const GC_EVERY_MS = 10_000;
/** The live heap after a full GC may grow this much from the baseline to the end. */
const HEAP_FLAT_KB = 256;
/** Per-minute RSS figures within this much of the end value count as settled (for the text). */
const SETTLED_MB = 1;
const SECONDS_PER_DAY = 86_400;

export interface SoakOptions {
  /** The plain run; the forced-GC run lasts half as long, at least 1 min. */
  minutes: number;
  log: (line: string) => void;
}

/**
 * Deploys versions 001..050 in order; after each, a new visitor opens a session, which lands on
 * the newest version. The session timeout outlasts both runs, so no version ever drains.
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

/** The live heap after a forced GC, when its marker arrived, and how many cycles had run by then. */
interface HeapSample {
  atMs: number;
  kb: number;
  cycles: number;
}

interface SoakRun {
  minutes: number;
  samples: RssSample[];
  /** Empty for the plain run. */
  heap: HeapSample[];
  firstCycleKb: number | undefined;
  cycles: number;
  goodCycles: number;
  exit: string;
  stderrTail: string;
  /** Versions of PATH on the server after the run. */
  left: number;
}

/** Resolves when `promise` does or after `ms`, whichever is first (and clears its timer). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Runs the drain loop for `minutes`, counting its cycles and sampling its RSS; then SIGTERM.
 * With `forcedGc`, the CLI runs under `node --expose-gc --import PRELOAD` (gcHeapPreload), whose
 * heap markers are collected; the run then ends at the first marker after `minutes`, so that
 * the last live-heap reading covers the whole run.
 */
async function soak(
  tomcat: LocalTomcatInstance,
  dir: string,
  minutes: number,
  forcedGc = false,
): Promise<SoakRun> {
  const nodeArgs = forcedGc ? ['--expose-gc', '--import', gcHeapPreload(GC_EVERY_MS)] : [];
  const child = spawnCli(['drain', '--every', '1s', '--json'], {
    env: targetEnv(tomcat),
    cwd: dir,
    nodeArgs,
  });
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const closed = new Promise((resolve) => child.once('close', resolve));
  const sampler = sampleRss(child.pid!, SAMPLE_EVERY_MS);
  const started = performance.now();
  const result = { firstCycleKb: undefined as number | undefined, cycles: 0, goodCycles: 0 };
  const heap: HeapSample[] = [];
  let stderr = '';
  let onHeap: (() => void) | undefined;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const { text, heapKb } = extractHeapKb(line);
    if (heapKb !== undefined) {
      heap.push({ atMs: performance.now() - started, kb: heapKb, cycles: result.cycles });
      onHeap?.();
    }
    if (heapKb === undefined || text !== '') stderr = `${stderr}${text}\n`.slice(-4_000);
  });
  createInterface({ input: child.stdout! }).on('line', (text) => {
    result.cycles += 1;
    if (isGoodCycle(text)) result.goodCycles += 1;
    if (result.cycles === 1) void sampler.sampleNow().then((sample) => (result.firstCycleKb = sample?.kb));
  });
  await within(exited, minutes * 60_000);
  if (forcedGc)
    await within(
      Promise.race([exited, new Promise<void>((resolve) => (onHeap = resolve))]),
      GC_EVERY_MS + 5_000,
    );
  await sampler.sampleNow();
  sampler.stop();
  const exit = await stopChild(child, exited);
  await closed; // every line of stdout and stderr has been read
  const left = (await clientOf(tomcat).list()).filter((entry) => entry.path === PATH).length;
  return { ...result, minutes, samples: sampler.samples, heap, exit, stderrTail: stderr.trim(), left };
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
  const gcMinutes = Math.max(1, options.minutes / 2);
  return withTempDir('soak', async (dir) => {
    const tomcats = await startTomcats(1);
    try {
      const tomcat = tomcats[0]!;
      options.log(`  deploying ${VERSIONS} versions, each with a session ...`);
      await deployVersions(tomcat, dir, options.minutes + gcMinutes);
      options.log(`  drain --every 1s for ${options.minutes} min ...`);
      const plain = await soak(tomcat, dir, options.minutes);
      options.log(`  drain --every 1s for ${gcMinutes} min, a full GC every ${GC_EVERY_MS / 1000} s ...`);
      const forced = await soak(tomcat, dir, gcMinutes, true);
      return soakSection(plain, forced);
    } finally {
      await stopTomcats(tomcats);
    }
  });
}

/** The baseline of a run: 1 min; a run shorter than two minutes has no settled minute, its middle stands in. */
function baselineMs(minutes: number): number {
  const durationMs = minutes * 60_000;
  return durationMs >= 2 * BASELINE_MS ? BASELINE_MS : durationMs / 2;
}

const minus = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined ? undefined : a - b;

/** The nearest sample of each whole minute from `from`, as `{ minute, kb }`. */
function atEachMinute(samples: readonly { atMs: number; kb: number }[], minutes: number, from = 0) {
  return Array.from({ length: Math.floor(minutes) + 1 - from }, (_, i) => ({
    minute: from + i,
    kb: sampleNear(samples, (from + i) * 60_000)?.kb,
  }));
}

/** The RSS figures of a run, in KB; `undefined` where no sample exists. */
function rssFigures(samples: readonly RssSample[], minutes: number) {
  const baselineAt = baselineMs(minutes);
  const baseline = sampleNear(samples, baselineAt)?.kb;
  const halfTime = sampleNear(samples, (minutes * 60_000) / 2)?.kb;
  const end = samples.at(-1)?.kb;
  // Minute 0 is the first sample (taken after the first cycle).
  const perMinute = atEachMinute(samples, minutes);
  // The first minute from which every per-minute figure stays within SETTLED_MB of the end;
  // none when only the last minute is (the run ended still rising, or too short to tell).
  const settledIndex = perMinute.findIndex((_, i) =>
    perMinute
      .slice(i)
      .every(({ kb }) => kb !== undefined && end !== undefined && Math.abs(kb - end) <= SETTLED_MB * 1024),
  );
  const settled =
    settledIndex >= 0 && settledIndex < perMinute.length - 1 ? perMinute[settledIndex] : undefined;
  return {
    baselineAt,
    baseline,
    end,
    max: samples.length === 0 ? undefined : Math.max(...samples.map((s) => s.kb)),
    growth: minus(end, baseline),
    /** The second half alone: growth there is not warm-up (heap sizing before the first full GC). */
    secondHalfGrowth: minus(end, halfTime),
    perMinute,
    settled,
  };
}

/** The live-heap figures of the forced-GC run: baseline sample (1 min) to the last sample. */
function heapFigures(heap: readonly HeapSample[], minutes: number) {
  const baselineAt = baselineMs(minutes);
  const baseline = sampleNear(heap, baselineAt);
  const end = heap.at(-1);
  const growthKb = minus(end?.kb, baseline?.kb);
  const cycles = minus(end?.cycles, baseline?.cycles);
  const bytesPerCycle =
    growthKb === undefined || cycles === undefined || cycles <= 0 ? undefined : (growthKb * 1024) / cycles;
  return { baselineAt, baseline, end, growthKb, cycles, bytesPerCycle };
}

const show = (kb: number | undefined) => (kb === undefined ? 'n/a' : megabytes(kb));
const showMinutes = (ms: number) => `${(ms / 60_000).toFixed(1)} min`;
const signed = (value: number) => `${value > 0 ? '+' : ''}${value.toFixed(0)}`;
/** Bytes per cycle as a day's growth at one cycle per second, in MB. */
const perDay = (bytesPerCycle: number) =>
  `${((bytesPerCycle * SECONDS_PER_DAY) / 1024 ** 2).toFixed(1)} MB a day`;
const heapKb = (sample: HeapSample | undefined) =>
  sample === undefined
    ? 'n/a'
    : `${sample.kb} KB (${showMinutes(sample.atMs)}, after ${sample.cycles} cycles)`;

const allGood = (run: SoakRun) => run.goodCycles === run.cycles && run.cycles > 0 && run.left === VERSIONS;

/** The rows both runs have: their cycles and how they ended. */
function cycleRows(run: SoakRun): string[][] {
  return [
    ['cycles (JSON lines)', String(run.cycles)],
    [`cycles that kept all ${VERSIONS} versions, no error`, String(run.goodCycles)],
    [`versions of ${PATH} left at the end`, String(run.left)],
    ['how the command ended', run.exit],
  ];
}

/**
 * Why the plain run's RSS rose, told from this run's figures: a rise that the live heap after a
 * full GC does not share is V8's heap growing before its first full collection.
 */
function explanation(
  rss: ReturnType<typeof rssFigures>,
  firstCycleKb: number | undefined,
  heap: ReturnType<typeof heapFigures>,
  isHeapFlat: boolean,
): string {
  const settled = rss.settled;
  const rise =
    settled === undefined || settled.kb === undefined || firstCycleKb === undefined
      ? `The plain run's RSS went from ${show(firstCycleKb)} after the first cycle to ${show(rss.end)} at the ` +
        `end, and its per-minute figures did not settle within ${SETTLED_MB} MB of the end value before the last minute`
      : `The plain run's RSS rose ${megabytes(settled.kb - firstCycleKb)} in the first ${settled.minute} min ` +
        `(${show(firstCycleKb)} after the first cycle, ${show(settled.kb)} at ${settled.minute} min) and then ` +
        `stayed within ${SETTLED_MB} MB of its end value (${show(rss.end)}) at each minute`;
  if (heap.end === undefined || heap.baseline === undefined || heap.growthKb === undefined) {
    return `${rise}; the second run reported no live heap, so nothing tells warm-up from a leak.`;
  }
  const perCycle =
    heap.bytesPerCycle === undefined
      ? 'no cycles between the samples'
      : `${signed(heap.bytesPerCycle)} bytes per cycle`;
  if (isHeapFlat) {
    return (
      `${rise}. With a full GC every ${GC_EVERY_MS / 1000} s (second run) the live heap stays at ` +
      `${megabytes(heap.end.kb)} (${heap.baseline.kb} KB at ${showMinutes(heap.baseline.atMs)}, ${heap.end.kb} KB ` +
      `at the end: ${signed(heap.growthKb)} KB, ${perCycle}), so that rise is garbage V8 had not yet ` +
      `collected (before its first full collection it collects only the young generation) and the heap ` +
      `space it keeps for it, not memory the cycles keep.`
    );
  }
  return (
    `${rise}. With a full GC every ${GC_EVERY_MS / 1000} s (second run) the live heap still grew ` +
    `${signed(heap.growthKb)} KB (${heap.baseline.kb} KB at ${showMinutes(heap.baseline.atMs)}, ${heap.end.kb} KB ` +
    `at the end, ${perCycle}): the cycles keep memory alive, a leak, not warm-up.`
  );
}

function soakSection(plain: SoakRun, forced: SoakRun): Section {
  const rss = rssFigures(plain.samples, plain.minutes);
  const gcRss = rssFigures(forced.samples, forced.minutes);
  const heap = heapFigures(forced.heap, forced.minutes);
  const isHeapFlat = heap.growthKb !== undefined && heap.growthKb <= HEAP_FLAT_KB;
  const isSecondHalfFlat = rss.secondHalfGrowth !== undefined && rss.secondHalfGrowth <= FLAT_MB * 1024;
  const isFlat = isHeapFlat && isSecondHalfFlat;
  const bothGood = allGood(plain) && allGood(forced);
  const perMinute = rss.perMinute.map(({ minute, kb }) => `${minute} min ${show(kb)}`).join(', ');
  const heapPerMinute = atEachMinute(forced.heap, forced.minutes, 1)
    .map(({ minute, kb }) => `${minute} min ${kb === undefined ? 'n/a' : `${kb} KB`}`)
    .join(', ');
  const heapBaseline = showMinutes(heap.baselineAt);
  // What the heap rule allows over the cycles measured, per cycle and per day.
  const allowedPerCycle =
    heap.cycles === undefined || heap.cycles <= 0 ? undefined : (HEAP_FLAT_KB * 1024) / heap.cycles;
  const allowed =
    allowedPerCycle === undefined
      ? ''
      : ` Over this run's ${heap.cycles} cycles between the two samples that allows ${allowedPerCycle.toFixed(0)} ` +
        `bytes per cycle, which at one cycle per second would be ${perDay(allowedPerCycle)}.`;
  const measured =
    heap.bytesPerCycle === undefined
      ? ''
      : ` Measured: ${signed(heap.bytesPerCycle)} bytes per cycle` +
        (heap.bytesPerCycle > 0 ? ` (${perDay(heap.bytesPerCycle)}).` : ' (no growth).');
  const failed = [plain, forced].filter((run) => !allGood(run));
  return {
    name: 'soak',
    title: `6. Soak: drain --every 1s for ${plain.minutes} min, then ${forced.minutes} min with a forced GC`,
    body: [
      `One local Tomcat, ${PATH} with ${VERSIONS} versions, each holding one visitor's session (timeout longer ` +
        `than both runs), so every cycle reads everything and undeploys nothing.`,
      '',
      `**Plain run.** \`tomcat-pd drain --every 1s --json\` ran for ${plain.minutes} min, then got SIGTERM; its ` +
        `VmRSS was read from /proc/PID/status every ${SAMPLE_EVERY_MS / 1000} s.`,
      '',
      markdownTable(
        ['measure', 'value'],
        [
          ['RSS after the first cycle', show(plain.firstCycleKb)],
          [`RSS at ${showMinutes(rss.baselineAt)} (baseline)`, show(rss.baseline)],
          ['RSS at the end', show(rss.end)],
          ['RSS max', show(rss.max)],
          ['end minus baseline', show(rss.growth)],
          ['end minus half-time (second half alone)', show(rss.secondHalfGrowth)],
          ...cycleRows(plain),
        ],
      ),
      '',
      `RSS at each minute (nearest sample): ${perMinute}; at the end ${show(rss.end)}.`,
      '',
      `**Second run, forced GC.** Right after, against the same versions and sessions, the same command ` +
        `for ${forced.minutes} min, started as \`node --expose-gc --import PRELOAD tomcat-pd.js drain --every 1s ` +
        `--json\`: the preload (a data: URL) runs \`gc()\` every ${GC_EVERY_MS / 1000} s and then writes ` +
        `\`process.memoryUsage().heapUsed\` on stderr. After a full GC the heap holds only what is still ` +
        `referenced, so its growth is memory the cycles keep. RSS sampled as in the plain run.`,
      '',
      markdownTable(
        ['measure', 'value'],
        [
          [`live heap after GC at ${heapBaseline} (nearest sample)`, heapKb(heap.baseline)],
          ['live heap after GC at the end (last sample)', heapKb(heap.end)],
          ['live heap growth', heap.growthKb === undefined ? 'n/a' : `${signed(heap.growthKb)} KB`],
          [
            'live heap growth per cycle',
            heap.bytesPerCycle === undefined
              ? 'n/a'
              : `${signed(heap.bytesPerCycle)} bytes (${heap.cycles} cycles)`,
          ],
          [`RSS at ${showMinutes(gcRss.baselineAt)}`, show(gcRss.baseline)],
          ['RSS at the end', show(gcRss.end)],
          ['RSS max', show(gcRss.max)],
          ...cycleRows(forced),
        ],
      ),
      '',
      `Live heap after GC at each minute (nearest sample): ${heapPerMinute}.`,
      '',
      explanation(rss, plain.firstCycleKb, heap, isHeapFlat),
      '',
      `Rule: flat = the live heap after a forced full GC grew by at most ${HEAP_FLAT_KB} KB from the ` +
        `${heapBaseline} sample (1 min; the middle of a run under 2 min) to the end of the second run, and the ` +
        `plain run's RSS in its second half (end minus half-time) within ${FLAT_MB} MB.${allowed}${measured} ` +
        `The plain run's rise before its half-time (part of end minus baseline, above) is not judged: RSS ` +
        `alone cannot tell V8's warm-up from a slow leak. ` +
        `Target: flat: **${verdict(isFlat)}** (live heap: ${verdict(isHeapFlat)}; RSS second half: ` +
        `${verdict(isSecondHalfFlat)}); every cycle of both runs kept all versions: **${verdict(bothGood)}**.`,
      ...failed.map(
        (run) =>
          `\nLast stderr of the ${run === plain ? 'plain' : 'forced-GC'} run: ` +
          run.stderrTail.slice(-500).replace(/\s+/g, ' '),
      ),
    ].join('\n'),
  };
}
