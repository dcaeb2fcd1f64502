/** How a command ended: its exit code, or the signal that killed it, or its time running out. */
export interface CommandExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** It ran past its `timeoutMs` and was killed (locally: its whole process group). */
  readonly timedOut: boolean;
}

/** One run of the user's command. */
export interface CommandRun {
  /** Added to the command's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Past it, the command and everything it started are killed. */
  readonly timeoutMs: number;
  /** Each line it writes, on stdout or stderr. */
  readonly onLine: (line: string) => void;
  /** Its working directory (local runs only); the process's own when absent. */
  readonly cwd?: string | undefined;
  /**
   * Stops it once aborted, everything it started included (local runs only). A restart passes
   * none: stopping it halfway would leave a Tomcat in an unknown state. The CLI's hooks pass one.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Runs the user's command (a restart's, a hook's): on this machine (`/bin/sh -c`), or on the target's own host
 * over its SSH connection. An interface so that the unit tests of the roll give a fake one.
 */
export interface CommandRunner {
  run(command: string, run: CommandRun): Promise<CommandExit>;
}

/**
 * Cuts a stream of text into lines for `onLine`: what follows the last newline waits for the
 * next chunk, and is handed over at the end even without one.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
    end() {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}
