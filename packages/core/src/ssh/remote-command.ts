import { lineSplitter, type CommandExit, type CommandRunner } from '../common/command-run.js';
import { ConnectionError } from '../errors/error-classes.js';
import type { SshLink } from './ssh-pool.js';

/**
 * What runs the user's command on the host: `sh -c` in the background with stdin from /dev/null,
 * and a watcher of the channel's stdin that kills the session's process group (sshd made it with
 * setsid) when stdin ends, i.e. when we close the channel at the time-out. sshd honours a
 * `signal` request only for a non-root login (OpenSSH's session.c: "session signalling requires
 * privilege separation"), and keeps a closed channel open until its process exits: without the
 * watcher a root login's command outlives its time-out and the restart waits for it. The
 * watcher is a builtin `read` loop, one process, killed when the command ends by itself.
 */
const WRAPPER = [
  'exec 3<&0',
  'sh -c "$1" </dev/null & command=$!',
  '(while read -r _; do :; done; kill -KILL 0) <&3 >/dev/null 2>&1 & watcher=$!',
  'exec 3<&-',
  'wait "$command"; status=$?',
  'kill "$watcher" 2>/dev/null',
  'exit "$status"',
].join('\n');

/**
 * Runs the user's command on the host over its SSH connection (`restart --exec-on-target`), in
 * {@link WRAPPER} with our variables set by `env` in front: sshd passes a client's environment
 * only where its `AcceptEnv` allows, and the values are our own (the target's name and URLs),
 * quoted. Past its time the session's process group gets SIGKILL (asked of sshd, and done by the
 * wrapper once the closed channel ends its stdin). A connection that drops before the command
 * exits is a `ConnectionError`: whether it finished is unknown.
 */
export function remoteRunner(link: SshLink): CommandRunner {
  return {
    async run(command, { env, timeoutMs, onLine }) {
      const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuoted(value)}`);
      const channel = await link.exec(
        ['env', ...assignments, 'sh', '-c', shellQuoted(WRAPPER), 'sh', shellQuoted(command)].join(' '),
      );
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
