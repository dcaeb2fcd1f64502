import { spawn } from 'node:child_process';

/** How a command ended: its exit code, or the signal that killed it. */
export interface CommandExit {
  readonly exitCode: number | null;
  readonly signal: string | null;
}

/**
 * Runs the user's restart command. An interface so that the unit tests of the roll give a fake
 * one and no process is started there.
 */
export interface CommandRunner {
  run(
    command: string,
    env: Readonly<Record<string, string>>,
    onLine: (line: string) => void,
  ): Promise<CommandExit>;
}

/**
 * The real runner: `/bin/sh -c command`, the command being the user's own (nothing of ours is
 * put into the shell's text: the target's name and URLs travel as environment variables). Its
 * stdout and stderr are handed over line by line. It takes no abort signal on purpose: once a
 * restart has started, stopping it halfway would leave a Tomcat in an unknown state.
 */
export const shellRunner: CommandRunner = {
  run(command, env, onLine) {
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        // A process group of its own: Ctrl-C at the terminal goes to the whole foreground group,
        // and must stop the roll (which then finishes this target) without killing the restart.
        detached: true,
      });
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
      child.on('error', reject);
      child.on('close', (exitCode, signal) => resolve({ exitCode, signal }));
    });
  },
};
