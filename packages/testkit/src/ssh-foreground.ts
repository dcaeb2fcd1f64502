import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

/** A process of the SSH harness (sshd, a forwarder), run in the foreground and watched until it exits. */
export interface ForegroundProcess {
  readonly child: ChildProcess;
  /** Why it is gone (`exited (code 1, signal null)`, `spawn failed: ...`), or undefined while it runs. */
  exitNote(): string | undefined;
  /** SIGKILL, and resolves once it has exited. */
  kill(): Promise<void>;
}

/**
 * Spawns `file args` under `setpriv --pdeathsig KILL` where setpriv exists, so that the kernel
 * kills it if the test process dies without running its 'exit' handlers; setpriv execs the file,
 * so the child's pid is the file's.
 */
export function spawnForeground(
  file: string,
  args: readonly string[],
  options: SpawnOptions,
): ForegroundProcess {
  const [cmd, cmdArgs] = existsSync(SETPRIV)
    ? [SETPRIV, ['--pdeathsig', 'KILL', '--', file, ...args]]
    : [file, [...args]];
  const child = spawn(cmd, cmdArgs, options);
  let note: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      note = `exited (code ${code}, signal ${signal})`;
      resolve();
    });
    child.once('error', (error) => {
      note = `spawn failed: ${error.message}`;
      resolve();
    });
  });
  return {
    child,
    exitNote: () => note,
    kill: async () => {
      if (note === undefined) child.kill('SIGKILL');
      await exited;
    },
  };
}
