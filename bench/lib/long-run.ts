/**
 * A tomcat-pd process left running (`serve`, `drain --every`), as the soaks of serve.ts and
 * soak.ts watch it: its VmRSS read from /proc every few seconds (the CLI unchanged), and, in a
 * run with a forced GC, its live heap. RSS alone cannot tell V8's warm-up from a slow leak (it
 * rises while garbage piles up before the first full collection), so that run starts the CLI as
 * `node --expose-gc --import PRELOAD`: a full GC every few seconds, then the live heap on stderr.
 */
import { createInterface } from 'node:readline';
import { gcHeapPreload, heapMarkerKb, spawnCli } from './cli-process.js';
import { residentKb } from './proc-stat.js';
import { megabytes } from './stats.js';

/** A reading in KB, `atMs` after the process was started. */
export interface Reading {
  atMs: number;
  kb: number;
}

export interface LongRunOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  sampleEveryMs: number;
  /** A full GC this often, each followed by a reading of the live heap; none when absent. */
  gcEveryMs?: number;
  onStdoutLine: (line: string) => void;
}

export interface LongRun {
  rss: Reading[];
  heap: Reading[];
  /** `exit 0`, `exit 1`, `SIGKILL`, ... once the process has ended. */
  exited: Promise<string>;
  /** The end of its stderr (heap markers left out), for a message when it failed. */
  stderrTail: () => string;
  /** Milliseconds since the process was started, the clock of its readings. */
  sinceStartMs: () => number;
  /** Reads the RSS now (also when the sampler's next turn is far). */
  sampleRss: () => Promise<Reading | undefined>;
  /** Resolves at the next heap reading, or after `timeoutMs`. */
  nextHeapReading: (timeoutMs: number) => Promise<void>;
  /** SIGTERM (SIGKILL after 30 s); resolves to how it ended, once all its output is read. */
  stop: () => Promise<string>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export function startLongRun(args: readonly string[], options: LongRunOptions): LongRun {
  const nodeArgs =
    options.gcEveryMs === undefined ? [] : ['--expose-gc', '--import', gcHeapPreload(options.gcEveryMs)];
  const child = spawnCli(args, { env: options.env, cwd: options.cwd, nodeArgs });
  const started = performance.now();
  const exited = new Promise<string>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  const closed = new Promise((resolve) => child.once('close', resolve));
  const rss: Reading[] = [];
  const heap: Reading[] = [];
  let stderr = '';
  let onHeap: (() => void) | undefined;
  createInterface({ input: child.stderr! }).on('line', (line) => {
    const kb = heapMarkerKb(line);
    if (kb === undefined) stderr = `${stderr}${line}\n`.slice(-4_000);
    else {
      heap.push({ atMs: performance.now() - started, kb });
      onHeap?.();
    }
  });
  createInterface({ input: child.stdout! }).on('line', options.onStdoutLine);
  const sampleRss = async () => {
    const kb = await residentKb(child.pid!).catch(() => undefined);
    if (kb === undefined) return undefined;
    const reading = { atMs: performance.now() - started, kb };
    rss.push(reading);
    return reading;
  };
  const timer = setInterval(() => void sampleRss(), options.sampleEveryMs);
  return {
    rss,
    heap,
    exited,
    stderrTail: () => stderr.trim(),
    sinceStartMs: () => performance.now() - started,
    sampleRss,
    nextHeapReading: (timeoutMs) =>
      Promise.race([
        new Promise<void>((resolve) => (onHeap = resolve)),
        exited.then(() => undefined),
        sleep(timeoutMs),
      ]),
    stop: async () => {
      clearInterval(timer);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const late = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const how = await exited;
      clearTimeout(late);
      await closed;
      return how;
    },
  };
}

/** The reading nearest `atMs`. */
export function nearest(readings: readonly Reading[], atMs: number): Reading | undefined {
  let best: Reading | undefined;
  for (const reading of readings) {
    if (best === undefined || Math.abs(reading.atMs - atMs) < Math.abs(best.atMs - atMs)) best = reading;
  }
  return best;
}

/**
 * A run's RSS in MB from `fromMs` on (after its set-up): first, at half-time, last, highest, and
 * the growth over the second half, where warm-up (heap sizing before V8's first full GC) is over.
 */
export function rssFigures(rss: readonly Reading[], fromMs = 0): Record<string, number | undefined> {
  const window = rss.filter((reading) => reading.atMs >= fromMs);
  const [first, end] = [window[0], window.at(-1)];
  if (first === undefined || end === undefined) return {};
  const half = nearest(window, (first.atMs + end.atMs) / 2)!;
  return {
    'RSS first MB': megabytes(first.kb),
    'RSS at half-time MB': megabytes(half.kb),
    'RSS at the end MB': megabytes(end.kb),
    'RSS max MB': megabytes(Math.max(...window.map((reading) => reading.kb))),
    'RSS second half MB': megabytes(end.kb - half.kb),
  };
}

/** A forced-GC run's live heap in KB: at the baseline (after warm-up), at the end, and the growth. */
export function heapFigures(
  heap: readonly Reading[],
  baselineMs: number,
): Record<string, number | undefined> {
  const baseline = nearest(heap, baselineMs);
  const end = heap.at(-1);
  return {
    'live heap at baseline KB': baseline?.kb,
    'live heap baseline at min': baseline === undefined ? undefined : Math.round(baseline.atMs / 6_000) / 10,
    'live heap at the end KB': end?.kb,
    'live heap growth KB': baseline === undefined || end === undefined ? undefined : end.kb - baseline.kb,
  };
}
