import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The checked-in bin shim, run the way an installed `tomcat-pd` runs: `node bin/tomcat-pd.js`. */
export const CLI_BIN = fileURLToPath(new URL('../../packages/cli/bin/tomcat-pd.js', import.meta.url));

const RSS_MARKER = '@@bench-peak-rss-kb=';

/**
 * A preload that prints the process's peak RSS (VmHWM of /proc/self/status, in KB) on stderr
 * when it exits: the parent cannot learn a child's peak afterwards, and sampling from outside
 * would miss short peaks. Not `process.resourceUsage().maxRSS`: on Linux a child's ru_maxrss
 * starts from the high-water mark of the memory it was forked from, so a child of this (big)
 * process would report this process's size (a `node -e 0` read 321 MB after the parent had
 * allocated 300 MB); VmHWM belongs to the memory exec() gave the child. `readFileSync` and
 * `writeSync` because the process is exiting: asynchronous I/O would never complete. A data:
 * URL, so nothing is written to disk and the CLI itself is unchanged.
 */
const RSS_PRELOAD =
  'data:text/javascript,' +
  encodeURIComponent(
    `import { readFileSync, writeSync } from 'node:fs';` +
      `process.on('exit', () => {` +
      `  const peak = /^VmHWM:\\s+(\\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];` +
      `  writeSync(2, '\\n${RSS_MARKER}' + peak + '\\n');` +
      `});`,
  );

const HEAP_MARKER = '@@bench-heap-kb=';

/**
 * A preload (for a child started with `--expose-gc`) that runs a full garbage collection every
 * `everyMs` and then writes the live heap (`heapUsed` in KB) on stderr as a marker line: after
 * a full GC the heap holds only what is still referenced, so its growth from one marker to the
 * next is memory kept, not garbage not yet collected. The interval is unref'd, so it never
 * keeps the process alive; `writeSync` so a marker is never left half-written in a buffer.
 */
export function gcHeapPreload(everyMs: number): string {
  return (
    'data:text/javascript,' +
    encodeURIComponent(
      `import { writeSync } from 'node:fs';` +
        `setInterval(() => {` +
        `  globalThis.gc();` +
        `  writeSync(2, '${HEAP_MARKER}' + Math.round(process.memoryUsage().heapUsed / 1024) + '\\n');` +
        `}, ${everyMs}).unref();`,
    )
  );
}

/**
 * Splits a heap marker (of {@link gcHeapPreload}) off one line of the child's stderr: the live
 * heap in KB, and what is left of the line (empty when the line was the marker alone).
 */
export function extractHeapKb(line: string): { text: string; heapKb: number | undefined } {
  const match = new RegExp(`${HEAP_MARKER}(\\d+)`).exec(line);
  if (match === null) return { text: line, heapKb: undefined };
  return { text: line.replace(match[0], '').trim(), heapKb: Number(match[1]) };
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Preload the peak-RSS reporter (default true); off for start-up timing, which it would tilt. */
  measureRss?: boolean;
}

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** Without the peak-RSS marker line. */
  stderr: string;
  /** From just before spawn() to the 'exit' event, measured in this process. */
  wallMs: number;
  /** The child's peak resident set size in KB, when measured. */
  peakRssKb: number | undefined;
}

/** Runs `node ARGS` (this very Node binary) to its end. */
export async function runNode(args: readonly string[], options: RunOptions = {}): Promise<NodeRun> {
  const measureRss = options.measureRss ?? true;
  const nodeArgs = measureRss ? ['--import', RSS_PRELOAD, ...args] : [...args];
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const started = performance.now();
  const child = spawn(process.execPath, nodeArgs, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let wallMs = 0;
  child.once('exit', () => (wallMs = performance.now() - started));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  const { text, peakRssKb } = extractPeakRss(Buffer.concat(stderr).toString('utf8'));
  return { code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: text, wallMs, peakRssKb };
}

/** Splits the marker line off the child's stderr. */
function extractPeakRss(stderr: string): { text: string; peakRssKb: number | undefined } {
  const at = stderr.lastIndexOf(`\n${RSS_MARKER}`);
  if (at < 0) return { text: stderr, peakRssKb: undefined };
  const value = Number(stderr.slice(at + 1 + RSS_MARKER.length).trim());
  return { text: stderr.slice(0, at), peakRssKb: Number.isFinite(value) ? value : undefined };
}

/** Runs `tomcat-pd ARGS` to its end. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<NodeRun> {
  return runNode([CLI_BIN, ...args], options);
}

export interface SpawnOptions extends Omit<RunOptions, 'measureRss'> {
  /** Node's own options, put before the CLI (e.g. `--expose-gc`, `--import PRELOAD`). */
  nodeArgs?: readonly string[];
}

/** Starts `tomcat-pd ARGS` and leaves it running (the soak samples and stops it itself). */
export function spawnCli(args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, [...(options.nodeArgs ?? []), CLI_BIN, ...args], {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Throws with the child's output when a run did not exit 0 (a failed deploy measures nothing). */
export function assertSucceeded(run: NodeRun, what: string): NodeRun {
  if (run.code === 0) return run;
  const status = run.signal === null ? `exit code ${run.code}` : `signal ${run.signal}`;
  throw new Error(`${what} failed (${status}):\n${run.stderr.trim()}\n${run.stdout.trim()}`.trim());
}
