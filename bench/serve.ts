/**
 * Issue 14, item 1: `tomcat-pd serve` over 20 stand-in Managers (lib/stand-in-manager.ts, the
 * recorded Tomcat 10.1 answers after 20 ms). Three targets:
 *
 * - the page `/` answers in under 50 ms (median and p95 of many sequential GETs from here, made
 *   while serve goes on reading every target; `/api/status` and `/metrics` measured alike);
 * - serve costs at most one read per target per interval: the stand-ins count what they got over
 *   N intervals (`list` each interval, the status page at most every 5 s);
 * - its RSS stays flat over a run (2 minutes by default, an hour with `minutes: 60`) while a
 *   page, the metrics and event streams are asked for all along. As in soak.ts, RSS alone cannot
 *   tell warm-up from a slow leak, so a second run forces a full GC every 10 s and reads the live
 *   heap after it, from the end of the warm-up on.
 */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { extractHeapKb, gcHeapPreload, spawnCli } from './lib/cli-process.js';
import { markdownTable, megabytes, ms, verdict } from './lib/markdown.js';
import type { Section } from './lib/results.js';
import { sampleNear, sampleRss } from './lib/rss-sampler.js';
import type { RssSample } from './lib/rss-sampler.js';
import { startStandIns } from '@tomcat-pd/testkit/stand-in-manager';
import type { StandInFleet } from '@tomcat-pd/testkit/stand-in-manager';
import { summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { writeTargetsConfig } from './lib/tomcats.js';
import type { TargetsConfig } from './lib/tomcats.js';

export interface ServeBenchOptions {
  /** Scales the page timing: 100 requests of each endpoint per run. */
  runs: number;
  log: (line: string) => void;
  /** The plain RSS run; the forced-GC run lasts half as long, at least 5 min. @defaultValue 2 */
  minutes?: number;
  /** Stand-in targets. @defaultValue 20 */
  targets?: number;
}

const LATENCY_MS = 20;
/** serve's interval while counting and soaking: the shortest it allows, the most reads. */
const INTERVAL_MS = 1_000;
/** Intervals over which the stand-ins count serve's requests. */
const COUNTED_INTERVALS = 20;
const STATUS_PAGE_FLOOR_MS = 5_000;
const PAGE_TARGET_MS = 50;
const SAMPLE_EVERY_MS = 5_000;
const GC_EVERY_MS = 10_000;
/**
 * The live heap's baseline: after the warm-up. In 6-minute probes (20 stand-ins, every 1 s) the
 * heap after a full GC rose about 1 MB over the first 2.5 to 3 minutes, with or without page
 * traffic (code optimised, caches filled), then stayed within about 60 KB; a leak keeps rising
 * after it. The forced-GC run lasts long enough to watch two minutes after the baseline.
 */
const HEAP_BASELINE_MS = 180_000;
const MIN_GC_MINUTES = 5;
/** The plain run's RSS may move this much in its second half; the live heap this much overall. */
const FLAT_MB = 5;
const HEAP_FLAT_KB = 256;

interface Serving {
  child: ChildProcess;
  url: string;
  exited: Promise<string>;
  stderr: () => string;
  heap: { atMs: number; kb: number }[];
}

/** Starts serve on a free port over the config's targets and resolves once it printed its URL. */
async function startServe(config: TargetsConfig, dir: string, forcedGc = false): Promise<Serving> {
  const child = spawnCli(
    [
      '--config',
      config.configFile,
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--interval',
      `${INTERVAL_MS / 1000}s`,
    ],
    {
      env: config.env,
      cwd: dir,
      nodeArgs: forcedGc ? ['--expose-gc', '--import', gcHeapPreload(GC_EVERY_MS)] : [],
    },
  );
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const started = performance.now();
  const heap: Serving['heap'] = [];
  let stderr = '';
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const { text, heapKb } = extractHeapKb(line);
    if (heapKb !== undefined) heap.push({ atMs: performance.now() - started, kb: heapKb });
    if (text !== '') stderr = `${stderr}${text}\n`.slice(-4_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^Serving (\S+)$/.exec(line);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    void exited.then((how) => reject(new Error(`serve ended (${how}) before its URL:\n${stderr}`)));
  });
  return { child, url, exited, stderr: () => stderr, heap };
}

/** SIGTERM (serve exits 0 at once), SIGKILL if it is still there after 10 s. */
async function stopServe(serving: Serving): Promise<string> {
  serving.child.kill('SIGTERM');
  const late = setTimeout(() => serving.child.kill('SIGKILL'), 10_000);
  try {
    return await serving.exited;
  } finally {
    clearTimeout(late);
  }
}

/** Waits until every target has been read (none pending, none down). */
async function waitForEveryTarget(url: string, targets: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const document = (await (await fetch(new URL('api/status', url))).json()) as {
      targets: { state: string }[];
    };
    if (document.targets.filter((t) => t.state === 'up').length === targets) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`serve did not read all ${targets} stand-ins`);
}

function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? NaN;
}

interface Timing {
  path: string;
  median: number;
  p95: number;
  max: number;
  requests: number;
  bytes: number;
}

/** `requests` sequential GETs of `path` (one kept-alive connection), each timed to its last byte. */
async function timeEndpoint(url: string, path: string, requests: number): Promise<Timing> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const answer = await fetch(new URL(path, url));
    const body = await answer.arrayBuffer();
    times.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}`);
    bytes = body.byteLength;
  }
  return {
    path: `/${path}`,
    median: summarize(times).median,
    p95: percentile(times, 0.95),
    max: Math.max(...times),
    requests,
    bytes,
  };
}

interface Counted {
  seconds: number;
  intervals: number;
  /** Per target, the most of any target. */
  lists: { min: number; max: number };
  pages: { min: number; max: number };
  other: string[];
}

/** What the stand-ins got over `COUNTED_INTERVALS` intervals, per target. */
async function countReads(fleet: StandInFleet, targets: number): Promise<Counted> {
  for (const target of fleet.targets) target.reset();
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, COUNTED_INTERVALS * INTERVAL_MS));
  const seconds = (performance.now() - started) / 1000;
  const used = fleet.targets.slice(0, targets);
  const count = (kind: string) => used.map((t) => t.requests.filter((r) => r.kind === kind).length);
  const lists = count('list');
  const pages = count('status');
  const other = [
    ...new Set(
      used.flatMap((t) => t.requests.map((r) => r.kind)).filter((k) => k !== 'list' && k !== 'status'),
    ),
  ];
  return {
    seconds,
    intervals: seconds / (INTERVAL_MS / 1000),
    lists: { min: Math.min(...lists), max: Math.max(...lists) },
    pages: { min: Math.min(...pages), max: Math.max(...pages) },
    other,
  };
}

/**
 * Keeps serve's clients busy for `minutes`: a page and the metrics every second, one event
 * stream open all along, and a short-lived one every 10 s (opened, read once, dropped), while
 * the RSS is sampled from /proc.
 */
async function soak(serving: Serving, minutes: number): Promise<RssSample[]> {
  const sampler = sampleRss(serving.child.pid!, SAMPLE_EVERY_MS);
  await sampler.sampleNow();
  const controller = new AbortController();
  const kept = await fetch(new URL('events', serving.url), { signal: controller.signal });
  const keptReader = kept.body!.getReader();
  const reading = (async () => {
    try {
      while (!(await keptReader.read()).done);
    } catch {
      // aborted at the end of the run
    }
  })();
  const endAt = performance.now() + minutes * 60_000;
  for (let second = 0; performance.now() < endAt; second++) {
    await Promise.all(
      [fetch(serving.url), fetch(new URL('metrics', serving.url))].map(async (a) => (await a).arrayBuffer()),
    );
    if (second % 10 === 0) {
      const brief = await fetch(new URL('events', serving.url));
      const reader = brief.body!.getReader();
      await reader.read();
      await reader.cancel();
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  await sampler.sampleNow();
  sampler.stop();
  controller.abort();
  await reading;
  return sampler.samples;
}

function rssFigures(samples: readonly RssSample[], minutes: number) {
  const durationMs = minutes * 60_000;
  const first = samples[0]?.kb;
  const half = sampleNear(samples, durationMs / 2)?.kb;
  const end = samples.at(-1)?.kb;
  return {
    first,
    half,
    end,
    max: Math.max(...samples.map((s) => s.kb)),
    secondHalfGrowth: end === undefined || half === undefined ? undefined : end - half,
  };
}

function heapFigures(heap: readonly { atMs: number; kb: number }[], minutes: number) {
  const durationMs = minutes * 60_000;
  const baseline = sampleNear(
    heap,
    durationMs >= HEAP_BASELINE_MS + 60_000 ? HEAP_BASELINE_MS : durationMs / 2,
  );
  const end = heap.at(-1);
  return {
    baseline,
    end,
    growthKb: baseline === undefined || end === undefined ? undefined : end.kb - baseline.kb,
  };
}

/** `1 min 7934 KB, 2 min ...`: the marker nearest each whole minute. */
function heapPerMinute(heap: readonly { atMs: number; kb: number }[], minutes: number): string {
  return Array.from({ length: Math.floor(minutes) }, (_, i) => i + 1)
    .map((minute) => `${minute} min ${sampleNear(heap, minute * 60_000)?.kb ?? 'n/a'} KB`)
    .join(', ');
}

const show = (kb: number | undefined) => (kb === undefined ? 'n/a' : megabytes(kb));
const signedKb = (kb: number | undefined) => (kb === undefined ? 'n/a' : `${kb > 0 ? '+' : ''}${kb} KB`);

export async function benchServe(options: ServeBenchOptions): Promise<Section[]> {
  const minutes = options.minutes ?? 2;
  const gcMinutes = Math.max(MIN_GC_MINUTES, minutes / 2);
  const targets = options.targets ?? 20;
  const requests = 100 * options.runs;
  return withTempDir('serve', async (dir) => {
    const fleet = await startStandIns(targets, LATENCY_MS);
    try {
      const config = await writeTargetsConfig(dir, 'serve.json', fleet.targets);

      options.log(
        `  serve over ${targets} stand-ins, every ${INTERVAL_MS / 1000} s: ${requests} GETs of each endpoint ...`,
      );
      const first = await startServe(config, dir);
      await waitForEveryTarget(first.url, targets);
      const timings: Timing[] = [];
      for (const path of ['', 'api/status', 'metrics'])
        timings.push(await timeEndpoint(first.url, path, requests));
      options.log(`  counting the stand-ins' requests over ${COUNTED_INTERVALS} intervals ...`);
      const counted = await countReads(fleet, targets);
      options.log(`  RSS over ${minutes} min ...`);
      const samples = await soak(first, minutes);
      const firstExit = await stopServe(first);

      options.log(`  live heap over ${gcMinutes} min, a full GC every ${GC_EVERY_MS / 1000} s ...`);
      const second = await startServe(config, dir, true);
      await waitForEveryTarget(second.url, targets);
      await soak(second, gcMinutes);
      // The last marker after the run covers all of it.
      const markers = second.heap.length;
      for (let i = 0; i < 150 && second.heap.length === markers; i++)
        await new Promise((r) => setTimeout(r, 100));
      const secondExit = await stopServe(second);
      return [
        serveSection({
          targets,
          timings,
          counted,
          samples,
          minutes,
          gcMinutes,
          heap: second.heap,
          exits: [firstExit, secondExit],
          stderr: first.stderr(),
        }),
      ];
    } finally {
      await fleet.close();
    }
  });
}

interface Measured {
  targets: number;
  timings: Timing[];
  counted: Counted;
  samples: RssSample[];
  minutes: number;
  gcMinutes: number;
  heap: { atMs: number; kb: number }[];
  exits: string[];
  stderr: string;
}

function serveSection(m: Measured): Section {
  const page = m.timings[0]!;
  const pageMet = page.median < PAGE_TARGET_MS && page.p95 < PAGE_TARGET_MS;
  const { counted } = m;
  const maxPages = Math.ceil((counted.seconds * 1000) / STATUS_PAGE_FLOOR_MS);
  const readsMet =
    counted.lists.max <= Math.ceil(counted.intervals) &&
    counted.pages.max <= maxPages &&
    counted.other.length === 0;
  const rss = rssFigures(m.samples, m.minutes);
  const heap = heapFigures(m.heap, m.gcMinutes);
  const rssFlat = rss.secondHalfGrowth !== undefined && rss.secondHalfGrowth <= FLAT_MB * 1024;
  const heapFlat = heap.growthKb !== undefined && heap.growthKb <= HEAP_FLAT_KB;
  const cleanExits = m.exits.every((exit) => exit === 'exit 0');
  return {
    name: 'serve',
    title: '10. tomcat-pd serve',
    body: [
      `\`tomcat-pd serve --interval ${INTERVAL_MS / 1000}s\` over ${m.targets} stand-in Managers answering recorded Tomcat 10.1 texts after ${LATENCY_MS} ms (\`--parallel\` 4), asked from this process on loopback.`,
      '',
      `**The page and the data.** ${page.requests} sequential GETs of each endpoint on one kept-alive connection, timed to the last byte, while serve read every target each second:`,
      '',
      markdownTable(
        ['endpoint', 'median', 'p95', 'max', 'requests', 'size'],
        m.timings.map((t) => [
          `\`${t.path}\``,
          ms1(t.median),
          ms1(t.p95),
          ms1(t.max),
          t.requests,
          `${(t.bytes / 1024).toFixed(1)} KB`,
        ]),
      ),
      '',
      `Target: \`/\` under ${PAGE_TARGET_MS} ms, median and p95: **${verdict(pageMet)}**.`,
      '',
      `**Reads.** What each stand-in got in ${counted.seconds.toFixed(1)} s (${counted.intervals.toFixed(1)} intervals):`,
      '',
      markdownTable(
        ['request', 'per target (fewest - most)', 'allowed'],
        [
          [
            '`list`',
            `${counted.lists.min} - ${counted.lists.max}`,
            `one per interval: ${Math.ceil(counted.intervals)}`,
          ],
          [
            'status page (`status/all?JSON=true`)',
            `${counted.pages.min} - ${counted.pages.max}`,
            `one per 5 s: ${maxPages}`,
          ],
          [
            'anything else',
            counted.other.length === 0 ? 'none' : counted.other.join(', '),
            'none (the recorded `list` has no draining version on the status page)',
          ],
        ],
      ),
      '',
      `Target: at most one read per target per interval: **${verdict(readsMet)}**.`,
      '',
      `**Memory.** A page and \`/metrics\` every second, one event stream open all along and a short-lived one every 10 s. RSS sampled every ${SAMPLE_EVERY_MS / 1000} s from /proc:`,
      '',
      markdownTable(
        ['run', 'first', 'middle', 'end', 'max', 'second half'],
        [
          [
            `${m.minutes} min, plain`,
            show(rss.first),
            show(rss.half),
            show(rss.end),
            show(rss.max),
            rss.secondHalfGrowth === undefined
              ? 'n/a'
              : `${rss.secondHalfGrowth >= 0 ? '+' : ''}${megabytes(rss.secondHalfGrowth)}`,
          ],
        ],
      ),
      '',
      `Live heap after a full GC every ${GC_EVERY_MS / 1000} s (a second run of ${m.gcMinutes} min, its baseline after the warm-up): ` +
        `${heap.baseline?.kb ?? 'n/a'} KB at ${((heap.baseline?.atMs ?? 0) / 60_000).toFixed(1)} min, ${heap.end?.kb ?? 'n/a'} KB at the end (${signedKb(heap.growthKb)}); ` +
        `each minute: ${heapPerMinute(m.heap, m.gcMinutes)}.`,
      '',
      `Target: RSS flat (at most +${FLAT_MB} MB over the second half) and the live heap at most +${HEAP_FLAT_KB} KB: **${verdict(rssFlat && heapFlat)}**. Both runs ended with ${cleanExits ? 'exit 0 on SIGTERM' : m.exits.join(', ')}.`,
      m.stderr.includes('error') ? `\nserve's stderr:\n\n\`\`\`\n${m.stderr.trim()}\n\`\`\`` : '',
    ].join('\n'),
  };
}

const ms1 = (value: number) => (value < 10 ? `${value.toFixed(1)} ms` : ms(value));
