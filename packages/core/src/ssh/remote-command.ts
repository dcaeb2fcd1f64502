import { lineSplitter, type CommandExit, type CommandRunner } from '../common/command-run.js';
import { ConnectionError } from '../errors/error-classes.js';
import type { SshLink } from './ssh-pool.js';

/**
 * Runs the user's command on the host over its SSH connection (`restart --exec-on-target`), as
 * `sh -c` there with our variables set by `env` in front: sshd passes a client's environment
 * only where its `AcceptEnv` allows, and the values are our own (the target's name and URLs),
 * quoted. The SSH user's login shell must read POSIX `sh` (sh, dash, bash).
 *
 * Past its time the command is killed with everything it started: sshd makes the shell of a
 * session without a terminal the leader of a process group of its own (`setsid`), whose id the
 * shell prints first (`$$`, then `exec`), and a second channel sends `kill -KILL` to that group.
 * A `signal` request on the channel would not do: OpenSSH's sshd 9.2 refuses it for a root
 * login ("session signalling requires privilege separation"), and closing the channel leaves
 * the command running. A connection that drops
 * before the command exits is a `ConnectionError`: whether it finished is unknown.
 */
export function remoteRunner(link: SshLink): CommandRunner {
  return {
    async run(command, { env, timeoutMs, onLine }) {
      const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuoted(value)}`);
      const channel = await link.exec(
        ['echo $$; exec env', ...assignments, 'sh', '-c', shellQuoted(command)].join(' '),
      );
      // Nothing to read from us: a command that asks (sudo for a password) gets end-of-file at once.
      channel.end();
      return new Promise<CommandExit>((resolve, reject) => {
        let group: string | undefined;
        let exit: { exitCode: number | null; signal: string | null } | undefined;
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          if (group !== undefined) void killGroup(link, group);
        }, timeoutMs);
        const out = lineSplitter((line) => {
          // The first line is the group's id, ours; the command's own output follows.
          if (group === undefined && /^\d+$/.test(line)) group = line;
          else onLine(line);
        });
        const err = lineSplitter(onLine);
        channel.setEncoding('utf8');
        channel.stderr.setEncoding('utf8');
        channel.on('data', (chunk: string) => out.push(chunk));
        channel.stderr.on('data', (chunk: string) => err.push(chunk));
        channel.on('exit', (code: number | null, signal?: string) => {
          exit =
            typeof code === 'number'
              ? { exitCode: code, signal: null }
              : { exitCode: null, signal: signal ?? null };
        });
        channel.on('close', () => {
          clearTimeout(timer);
          out.end();
          err.end();
          if (exit !== undefined || timedOut) resolve({ exitCode: null, signal: null, ...exit, timedOut });
          else
            reject(
              new ConnectionError(
                `The SSH connection to ${link.label} closed while the command ran: whether it finished is unknown.`,
                {
                  networkCode: 'ECONNRESET',
                  transient: false,
                  reason: `the SSH connection to ${link.label} closed`,
                },
              ),
            );
        });
      });
    },
  };
}

/** Kills a command's process group on the host, over a channel of its own; a failure leaves the channel to its own end. */
async function killGroup(link: SshLink, group: string): Promise<void> {
  try {
    const kill = await link.exec(`kill -s KILL -- -${group}`);
    kill.resume();
    kill.stderr.resume();
  } catch {
    // The connection is gone: the command's channel closes with it.
  }
}

/** A word for a POSIX shell: single-quoted, a single quote inside written as '\''. */
export function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
