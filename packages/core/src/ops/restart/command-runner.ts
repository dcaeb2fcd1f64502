import { spawn } from 'node:child_process';

/** How a command ended: its exit code, or the signal that killed it, or its time running out. */
export interface CommandExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** It ran past its `timeoutMs` and its process group was killed. */
  readonly timedOut: boolean;
}

/** One run of the user's command. */
export interface CommandRun {
  /** Added to this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Past it, the command and everything it started are killed. */
  readonly timeoutMs: number;
  /** Each line it writes, on stdout or stderr. */
  readonly onLine: (line: string) => void;
}

/**
 * Runs the user's restart command. An interface so that the unit tests of the roll give a fake
 * one and no process is started there.
 */
export interface CommandRunner {
  run(command: string, run: CommandRun): Promise<CommandExit>;
}

/** After SIGTERM to a command past its time, how long its group has before SIGKILL. */
const KILL_GRACE_MS = 5_000;

/**
 * The real runner: `/bin/sh -c command`, the command being the user's own (nothing of ours is
 * put into the shell's text: the target's name and URLs travel as environment variables). Its
 * stdout and stderr are handed over line by line. It takes no abort signal on purpose: once a
 * restart has started, stopping it halfway would leave a Tomcat in an unknown state; only its
 * timeout stops it, the whole process group (an `ssh` the shell started would outlive the shell
 * and keep its output open).
 */
export const shellRunner: CommandRunner = {
  run(command, { env, timeoutMs, onLine }) {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // A process group of its own: Ctrl-C at the terminal goes to the whole foreground group,
        // and must stop the roll (which then finishes this target) without killing the restart.
        detached: true,
      });
      let timedOut = false;
      const killGroup = (signal: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, signal);
        } catch {
          // The group is gone already.
        }
      };
      let grace: NodeJS.Timeout | undefined;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        grace = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      }, timeoutMs);
      for (const stream of [child.stdout, child.stderr]) {
        let rest = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          const lines = (rest + chunk).split('\n');
          rest = lines.pop() ?? '';
          for (const line of lines) onLine(line);
        });
        stream.on('end', () => {
          if (rest !== '') onLine(rest);
          rest = '';
        });
      }
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (exitCode, signal) => {
        clearTimeout(timer);
        clearTimeout(grace);
        resolve({ exitCode, signal, timedOut });
      });
    });
  },
};
