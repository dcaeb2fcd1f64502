import { lineSplitter, type CommandExit, type CommandRunner } from '../common/command-run.js';
import { ConnectionError } from '../errors/error-classes.js';
import type { SshLink } from './ssh-pool.js';

/**
 * Runs the user's command on the host over its SSH connection (`restart --exec-on-target`), as
 * `sh -c` there with our variables set by `env` in front: sshd passes a client's environment
 * only where its `AcceptEnv` allows, and the values are our own (the target's name and URLs),
 * quoted. Past its time the command gets SIGKILL (sshd delivers it to the session's process),
 * and the channel is closed. A connection that drops before the command exits is a
 * `ConnectionError`: whether it finished is unknown.
 */
export function remoteRunner(link: SshLink): CommandRunner {
  return {
    async run(command, { env, timeoutMs, onLine }) {
      const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuoted(value)}`);
      const channel = await link.exec(['env', ...assignments, 'sh', '-c', shellQuoted(command)].join(' '));
      return new Promise<CommandExit>((resolve, reject) => {
        let exit: { exitCode: number | null; signal: string | null } | undefined;
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          channel.signal('KILL');
          channel.close();
        }, timeoutMs);
        const out = lineSplitter(onLine);
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

/** A word for a POSIX shell: single-quoted, a single quote inside written as '\''. */
export function shellQuoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
