import { spawn } from 'node:child_process';
import { lineSplitter, type CommandRunner } from '../../common/command-run.js';

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
        const lines = lineSplitter(onLine);
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => lines.push(chunk));
        stream.on('end', () => lines.end());
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
