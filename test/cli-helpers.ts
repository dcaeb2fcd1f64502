import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI_BIN } from '@tomcat-pd/testkit/cli-bin';

/** The built CLI's bin shim, as `npm i -g tomcat-pd` would run it (needs `pnpm run build`). */

/** What a finished CLI run gave. */
export interface CliResult {
  /** The exit code; `null` only if a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Options of {@link runCli} and {@link spawnCli}. */
export interface CliOptions {
  /** Added to the clean environment; a value of `undefined` removes the variable. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (stdin is always a closed pipe, never a TTY). */
  input?: string;
  /** Working directory; default a directory without a tomcat-pd.json (the OS temp dir). */
  cwd?: string;
  /** {@link runCli} kills the child after this long and throws; default 30 s. */
  timeoutMs?: number;
}

/**
 * The environment a CLI child gets: the test process's, without anything that would change
 * what the CLI does behind the test's back: no `TOMCAT_PD_*` (a developer's shell may have a
 * real password in it), no `NO_COLOR` / `FORCE_COLOR` (colour tests set them explicitly).
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('TOMCAT_PD_') || key === 'NO_COLOR' || key === 'FORCE_COLOR') continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/**
 * Starts `node packages/cli/bin/tomcat-pd.js ...args` and returns the child, for tests that
 * signal it or read its output while it runs (`drain --every`). stdin gets `input` (if any) and
 * is closed, so that `--password-stdin` never waits for a terminal. The caller must end the child.
 */
export function spawnCli(args: readonly string[], options: CliOptions = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: options.cwd ?? process.env.TMPDIR ?? '/tmp',
    env: cleanEnv(options.env),
    stdio: 'pipe',
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  // A child that exits before reading its stdin would make the write fail with EPIPE.
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  return child;
}

/**
 * Runs the built CLI to the end: `runCli(['status', '--json'], { env: { TOMCAT_PD_PASSWORD } })`.
 * Resolves with the exit code and the whole stdout and stderr; rejects if the CLI does not
 * finish within `timeoutMs` (the child is killed), so that a hanging command fails its test
 * with its output instead of hitting vitest's time-out silently.
 *
 * @example
 * const { code, stdout } = await runCli(['--url', tomcat.managerUrl, '--user', tomcat.user, 'status', '--json'], {
 *   env: { TOMCAT_PD_PASSWORD: tomcat.password },
 * });
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  return collect(child, options.timeoutMs ?? 30_000, args);
}

/** Waits for a spawned child's exit and gathers its output; kills it after `timeoutMs`. */
export function collect(
  child: ChildProcessWithoutNullStreams,
  timeoutMs: number,
  args: readonly string[] = [],
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: string) => (stdout += chunk));
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `tomcat-pd ${args.join(' ')} did not finish within ${timeoutMs} ms\n` +
            `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // 'close', not 'exit': the output streams are complete only then.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Resolves with the first text of the child on `stream` (stdout) that matches `pattern` (for "it has started"). */
export function waitForOutput(
  child: ChildProcessWithoutNullStreams,
  pattern: RegExp,
  timeoutMs = 20_000,
  stream: 'stdout' | 'stderr' = 'stdout',
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: string) => {
      seen += chunk;
      if (pattern.test(seen)) {
        cleanup();
        resolve(seen);
      }
    };
    const onClose = () => {
      cleanup();
      reject(new Error(`the CLI exited before printing ${String(pattern)}; ${stream}:\n${seen}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no ${String(pattern)} on ${stream} within ${timeoutMs} ms; ${stream}:\n${seen}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child[stream].off('data', onData);
      child.off('close', onClose);
    };
    child[stream].on('data', onData);
    child.on('close', onClose);
  });
}

/** The connection flags for a Tomcat's manager-script user; the password goes in the env. */
export function connection(tomcat: { managerUrl: string; user: string }): string[] {
  return ['--url', tomcat.managerUrl, '--user', tomcat.user];
}

/** A URL where nothing listens: a command that got this far would fail with exit 4, not 2. */
export const CLOSED_URL = 'http://127.0.0.1:1/manager';

/** What {@link cliAgainst} needs of a Tomcat (a TomcatInstance has it). */
export interface CliTomcat {
  managerUrl: string;
  user: string;
  password: string;
}

/**
 * A runner for one Tomcat: `cli(['status', '--json'])` runs `tomcat-pd status --json --url U
 * --user USER` with `TOMCAT_PD_PASSWORD` set. The connection flags go after the command's own
 * arguments (global options after the command name); `options.env` adds to or overrides the env.
 */
export function cliAgainst(tomcat: () => CliTomcat) {
  return (args: readonly string[], options: CliOptions = {}): Promise<CliResult> => {
    const t = tomcat();
    return runCli([...args, ...connection(t)], {
      ...options,
      env: { TOMCAT_PD_PASSWORD: t.password, ...options.env },
    });
  };
}

/**
 * The result's stdout as JSON, after checking the exit code; on a mismatch the error shows the
 * whole output, which says far more than "expected 1 to be 0".
 */
export function jsonOf<T = Record<string, unknown>>(result: CliResult, expectedCode = 0): T {
  if (result.code !== expectedCode) {
    throw new Error(
      `expected exit ${expectedCode}, got ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
    );
  }
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${result.stdout}\n--- stderr ---\n${result.stderr}`);
  }
}

/** Checks the exit code, showing the whole output when it is not the expected one; returns the result. */
export function expectExit(result: CliResult, expectedCode: number): CliResult {
  if (result.code !== expectedCode) {
    throw new Error(
      `expected exit ${expectedCode}, got ${result.code}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}`,
    );
  }
  return result;
}
