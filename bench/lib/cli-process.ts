import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { CLI_BIN } from '@tomcat-pd/testkit/cli-bin';

/** The checked-in bin shim, run the way an installed `tomcat-pd` runs: `node bin/tomcat-pd.js`. */

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

/** The live heap in KB of a heap marker line (see {@link gcHeapPreload}), or undefined. */
export function heapMarkerKb(line: string): number | undefined {
  const match = new RegExp(`${HEAP_MARKER}(\\d+)`).exec(line);
  return match === null ? undefined : Number(match[1]);
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Preload the peak-RSS reporter (default true); off for start-up timing, which it would tilt. */
  measureRss?: boolean;
  /**
   * Run in a pseudo-terminal, as from a user's shell: under `script`, which gives the command a
   * terminal for stdin, stdout and stderr. The CLI draws its progress bar only on a terminal.
   * Its stdout and stderr then arrive together, as `stdout`.
   */
  terminal?: boolean;
}

export interface CommandRun {
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

/** `'a b'` for a POSIX shell. */
const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`;

/** Runs `file ARGS` to its end (in a terminal, with `terminal`); its output is collected. */
export async function runCommand(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<CommandRun> {
  const [program, programArgs] = options.terminal
    ? ['script', ['-qec', [file, ...args].map(shellQuote).join(' '), '/dev/null']]
    : [file, args];
  const env = options.terminal ? { ...(options.env ?? process.env), SHELL: '/bin/sh' } : options.env;
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const started = performance.now();
  const child = spawn(program, programArgs, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let wallMs = 0;
  child.once('exit', () => (wallMs = performance.now() - started));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  const out = extractPeakRss(Buffer.concat(stdout).toString('utf8'));
  const err = extractPeakRss(Buffer.concat(stderr).toString('utf8'));
  return {
    code,
    signal,
    stdout: out.text,
    stderr: err.text,
    wallMs,
    peakRssKb: err.peakRssKb ?? out.peakRssKb,
  };
}

/** Splits the marker line off the child's output. */
function extractPeakRss(output: string): { text: string; peakRssKb: number | undefined } {
  const at = output.lastIndexOf(RSS_MARKER);
  if (at < 0) return { text: output, peakRssKb: undefined };
  const value = Number.parseInt(output.slice(at + RSS_MARKER.length), 10);
  return { text: output.slice(0, at).trimEnd(), peakRssKb: Number.isFinite(value) ? value : undefined };
}

/** Runs `node ARGS` (this very Node binary), with the peak-RSS preload unless told otherwise. */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<CommandRun> {
  const preload = (options.measureRss ?? true) ? ['--import', RSS_PRELOAD] : [];
  return runCommand(process.execPath, [...preload, ...args], options);
}

/** Runs `tomcat-pd ARGS` to its end, a new process as a user's every command is. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CommandRun> {
  return runNode([CLI_BIN, ...args], options);
}

/** Starts `tomcat-pd ARGS` with Node's own `nodeArgs` and leaves it running (serve, the soak). */
export function spawnCli(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd: string; nodeArgs: readonly string[] },
): ChildProcess {
  return spawn(process.execPath, [...options.nodeArgs, CLI_BIN, ...args], {
    env: options.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Throws with the child's output when a run did not exit 0 (a failed run measures nothing). */
export function assertSucceeded(run: CommandRun, what: string): CommandRun {
  if (run.code === 0) return run;
  const status = run.signal === null ? `exit code ${run.code}` : `signal ${run.signal}`;
  throw new Error(`${what} failed (${status}):\n${run.stderr.trim()}\n${run.stdout.trim()}`.trim());
}
