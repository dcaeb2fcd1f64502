import { spawn } from 'node:child_process';
import { lineSplitter, type CommandRunner } from '../../common/command-run.js';

/** After SIGTERM to a command past its time (or stopped), how long its group has before SIGKILL. */
const KILL_GRACE_MS = 5_000;

/**
 * The real runner: `/bin/sh -c command`, the command being the user's own (nothing of ours is
 * put into the shell's text: the target's name and URLs travel as environment variables). Its
 * stdout and stderr are handed over line by line. Its timeout, or its `signal` when one is given,
 * stops the whole process group (an `ssh` the shell started would outlive the shell and keep its
 * output open).
 */
export const shellRunner: CommandRunner = {
  run(command, { env, timeoutMs, onLine, cwd, signal }) {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        env: { ...process.env, ...env },
        cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        // A process group of its own: Ctrl-C at the terminal goes to the whole foreground group,
        // and must stop the roll (which then finishes this target) without killing the restart.
        detached: true,
      });
      let timedOut = false;
      const killGroup = (kill: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, kill);
        } catch {
          // The group is gone already.
        }
      };
      let grace: NodeJS.Timeout | undefined;
      const stop = () => {
        if (grace !== undefined) return;
        killGroup('SIGTERM');
        grace = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        stop();
      }, timeoutMs);
      // Synchronous: a signal aborted as the process exits must still reach the group.
      const onAbort = () => stop();
      if (signal?.aborted) stop();
      else signal?.addEventListener('abort', onAbort, { once: true });
      for (const stream of [child.stdout, child.stderr]) {
        const lines = lineSplitter(onLine);
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => lines.push(chunk));
        stream.on('end', () => lines.end());
      }
      const done = () => {
        clearTimeout(timer);
        clearTimeout(grace);
        signal?.removeEventListener('abort', onAbort);
      };
      child.on('error', (error) => {
        done();
        reject(error);
      });
      child.on('close', (exitCode, killedBy) => {
        done();
        resolve({ exitCode, signal: killedBy, timedOut });
      });
    });
  },
};
