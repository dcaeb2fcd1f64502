/**
 * `tomcat-pd serve --interval 1s` over 20 stand-in Managers (recorded Tomcat 10.1 answers after
 * 20 ms): how fast it answers its page, `/api/status` and `/metrics` (sequential GETs from this
 * process while serve goes on reading every target), how many reads each stand-in gets over 20
 * intervals, and its memory while a page and the metrics are asked every second, one event
 * stream stays open and a short-lived one comes every 10 s: a plain run of `--serve-minutes`
 * (RSS), then one of half as long, at least 5 min, with a forced GC (the live heap; lib/long-run.ts).
 */
import { startStandIns, type StandInFleet } from '@tomcat-pd/testkit/stand-in-manager';
import { heapFigures, rssFigures, startLongRun, type LongRun } from './lib/long-run.js';
import { byMeasure, type Benchmark } from './lib/record.js';
import { round, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { writeTargetsConfig, type TargetsConfig } from './lib/tomcats.js';

const TARGETS = 20;
const LATENCY_MS = 20;
/** serve's interval: the shortest it allows, the most reads. */
const INTERVAL_MS = 1_000;
const COUNTED_INTERVALS = 20;
const SAMPLE_EVERY_MS = 5_000;
const GC_EVERY_MS = 10_000;
/**
 * The live heap's baseline: after the warm-up. In 6-minute probes (20 stand-ins, every 1 s) the
 * heap after a full GC rose about 1 MB over the first 2.5 to 3 minutes, with or without page
 * traffic (code optimised, caches filled), then stayed within about 60 KB.
 */
const HEAP_BASELINE_MS = 180_000;
const MIN_GC_MINUTES = 5;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts serve on a free port over the config's targets; resolves with its URL once it printed it. */
async function startServe(
  config: TargetsConfig,
  dir: string,
  gcEveryMs?: number,
): Promise<{ run: LongRun; url: string }> {
  let printed: (url: string) => void = () => undefined;
  const url = new Promise<string>((resolve) => (printed = resolve));
  const args = [
    '--config',
    config.configFile,
    'serve',
    '--listen',
    '127.0.0.1:0',
    '--interval',
    `${INTERVAL_MS / 1000}s`,
  ];
  const run = startLongRun(args, {
    env: config.env,
    cwd: dir,
    sampleEveryMs: SAMPLE_EVERY_MS,
    gcEveryMs,
    onStdoutLine: (line) => {
      const match = /^Serving (\S+)$/.exec(line);
      if (match !== null) printed(match[1]!);
    },
  });
  const ended = run.exited.then((how) => {
    throw new Error(`serve ended (${how}) before its URL:\n${run.stderrTail()}`);
  });
  return { run, url: await Promise.race([url, ended]) };
}

/** Waits until serve has read every target (none pending, none down). */
async function waitForEveryTarget(url: string): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    const document = (await (await fetch(new URL('api/status', url))).json()) as {
      targets: { state: string }[];
    };
    if (document.targets.filter((target) => target.state === 'up').length === TARGETS) return;
    await sleep(100);
  }
  throw new Error(`serve did not read all ${TARGETS} stand-ins`);
}

/** `requests` sequential GETs of `path` (one kept-alive connection), each timed to its last byte. */
async function timeEndpoint(url: string, path: string, requests: number) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const answer = await fetch(new URL(path, url));
    bytes = (await answer.arrayBuffer()).byteLength;
    times.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`/${path} answered ${answer.status}`);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    [`/${path} median ms`]: round(summarize(times).median, 1),
    [`/${path} p95 ms`]: round(sorted[Math.ceil(0.95 * sorted.length) - 1]!, 1),
    [`/${path} max ms`]: round(sorted.at(-1)!, 1),
    [`/${path} KB`]: round(bytes / 1024, 1),
  };
}

/** What the stand-ins got over `COUNTED_INTERVALS` intervals, per target. */
async function countReads(fleet: StandInFleet) {
  for (const target of fleet.targets) target.reset();
  const started = performance.now();
  await sleep(COUNTED_INTERVALS * INTERVAL_MS);
  const seconds = (performance.now() - started) / 1000;
  const count = (kind: string) => fleet.targets.map((t) => t.requests.filter((r) => r.kind === kind).length);
  const other = new Set(fleet.targets.flatMap((t) => t.requests.map((r) => r.kind)));
  other.delete('list');
  other.delete('status');
  return {
    'intervals counted': round(seconds / (INTERVAL_MS / 1000), 1),
    'list reads per target (most)': Math.max(...count('list')),
    'status page reads per target (most)': Math.max(...count('status')),
    'other requests': other.size === 0 ? 'none' : [...other].join(', '),
  };
}

/** Keeps serve's clients busy for `minutes`: a page and the metrics every second, event streams opened and dropped. */
async function keepBusy(url: string, minutes: number): Promise<void> {
  const controller = new AbortController();
  const kept = await fetch(new URL('events', url), { signal: controller.signal });
  const reading = kept.body!.pipeTo(new WritableStream()).catch(() => undefined); // aborted at the end of the run
  const endAt = performance.now() + minutes * 60_000;
  for (let second = 0; performance.now() < endAt; second++) {
    await Promise.all(
      [fetch(url), fetch(new URL('metrics', url))].map(async (answer) => (await answer).arrayBuffer()),
    );
    if (second % 10 === 0) {
      const brief = (await fetch(new URL('events', url))).body!.getReader();
      await brief.read();
      await brief.cancel();
    }
    await sleep(1_000);
  }
  controller.abort();
  await reading;
}

export const benchServe: Benchmark = (settings, log) =>
  withTempDir('serve', async (dir) => {
    const minutes = settings.serveMinutes;
    const gcMinutes = Math.max(MIN_GC_MINUTES, minutes / 2);
    const requests = 100 * settings.runs;
    const fleet = await startStandIns(TARGETS, LATENCY_MS);
    try {
      const config = await writeTargetsConfig(dir, 'serve.json', fleet.targets);
      log(`  serve over ${TARGETS} stand-ins: ${requests} GETs of each endpoint ...`);
      const plain = await startServe(config, dir);
      await waitForEveryTarget(plain.url);
      let timings = {};
      for (const path of ['', 'api/status', 'metrics'])
        timings = { ...timings, ...(await timeEndpoint(plain.url, path, requests)) };
      log(`  counting the stand-ins' requests over ${COUNTED_INTERVALS} intervals ...`);
      const reads = await countReads(fleet);
      log(`  RSS over ${minutes} min ...`);
      const busyFromMs = plain.run.sinceStartMs();
      await plain.run.sampleRss();
      await keepBusy(plain.url, minutes);
      await plain.run.sampleRss();
      const plainExit = await plain.run.stop();

      log(`  live heap over ${gcMinutes} min, a full GC every ${GC_EVERY_MS / 1000} s ...`);
      const forced = await startServe(config, dir, GC_EVERY_MS);
      await waitForEveryTarget(forced.url);
      await keepBusy(forced.url, gcMinutes);
      await forced.run.nextHeapReading(GC_EVERY_MS + 5_000);
      const forcedExit = await forced.run.stop();
      const baselineMs =
        gcMinutes * 60_000 >= HEAP_BASELINE_MS + 60_000 ? HEAP_BASELINE_MS : (gcMinutes * 60_000) / 2;
      const table = byMeasure({
        'plain run': {
          minutes,
          ...timings,
          ...reads,
          ...rssFigures(plain.run.rss, busyFromMs),
          'how it ended (SIGTERM)': plainExit,
        },
        'forced-GC run': {
          minutes: gcMinutes,
          ...rssFigures(forced.run.rss),
          ...heapFigures(forced.run.heap, baselineMs),
          'how it ended (SIGTERM)': forcedExit,
        },
      });
      const samples = {
        plain: { rss: plain.run.rss },
        forced: { rss: forced.run.rss, heap: forced.run.heap },
      };
      return { table, samples };
    } finally {
      await fleet.close();
    }
  });
