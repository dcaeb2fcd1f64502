import { AbortedError } from '@tomcat-pd/core/errors';
import { shellRunner } from '@tomcat-pd/core/internal';
import { formatDuration } from '../flags/flag-values.js';
import { HookError, type HookFailure } from './hook-error.js';
import type { HookName } from './hook-config.js';

/** How many of a failed hook's last lines its error keeps. */
export const OUTPUT_TAIL_LINES = 20;

/** One run of a hook. */
export interface HookRun {
  readonly hook: HookName;
  /** The user's shell command, run by `/bin/sh -c` as written. */
  readonly command: string;
  /** Added to the process's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly timeoutMs: number;
  /** Ctrl-C: the hook is stopped, every process it started with it. */
  readonly signal: AbortSignal;
  /** Each line it writes, on stdout or stderr. */
  readonly onLine: (line: string) => void;
}

/**
 * Runs a hook to its end. It runs in a process group of its own, so that its timeout or Ctrl-C
 * kills whatever it started (a `flyway` the shell started, its JVM); so does the end of this
 * process, a second Ctrl-C included, which exits at once. Throws a {@link HookError} when it
 * failed, an AbortedError when `signal` fired while it ran.
 */
export async function runHook(run: HookRun): Promise<void> {
  const tail: string[] = [];
  const exiting = new AbortController();
  const onExit = () => exiting.abort();
  process.once('exit', onExit);
  let exit;
  try {
    exit = await shellRunner.run(run.command, {
      env: run.env,
      cwd: run.cwd,
      timeoutMs: run.timeoutMs,
      signal: AbortSignal.any([run.signal, exiting.signal]),
      onLine(line) {
        tail.push(line);
        if (tail.length > OUTPUT_TAIL_LINES) tail.shift();
        run.onLine(line);
      },
    });
  } finally {
    process.off('exit', onExit);
  }
  if (run.signal.aborted) {
    throw new AbortedError(`The ${run.hook} hook was stopped, with every process it started.`);
  }
  const failure: HookFailure | undefined = exit.timedOut
    ? { kind: 'timeout', timeoutMs: run.timeoutMs }
    : exit.signal !== null
      ? { kind: 'signal', signal: exit.signal }
      : exit.exitCode !== 0
        ? { kind: 'exit', exitCode: exit.exitCode ?? 1 }
        : undefined;
  if (failure !== undefined) throw new HookError(run.hook, failure, tail, describe(run.hook, failure));
}

function describe(hook: HookName, failure: HookFailure): string {
  switch (failure.kind) {
    case 'exit':
      return `The ${hook} hook failed: it exited with status ${failure.exitCode}.`;
    case 'signal':
      return `The ${hook} hook failed: it was killed by ${failure.signal}.`;
    case 'timeout':
      return (
        `The ${hook} hook ran past its timeout of ${formatDuration(failure.timeoutMs)}: it was ` +
        'stopped, with every process it started.'
      );
  }
}
