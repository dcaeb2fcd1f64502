import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AbortedError, ConnectionError } from '../../errors/error-classes.js';
import { failureThroughTunnel } from '../../ssh/ssh-failures.js';
import type { SshLink } from '../../ssh/ssh-pool.js';
import type { SocketAddress } from './socket-address.js';
import { NO_ANSWER, socketFailure } from './socket-failure.js';

/** One runtime API, as the client reaches it. */
export interface RuntimeEndpoint {
  /** The balancer's name, for messages. */
  readonly balancer: string;
  /** The socket as the config gives it, for messages. */
  readonly address: string;
  readonly socket: SocketAddress;
  /** How long one command may take, from connecting to the end of its answer. */
  readonly timeoutMs: number;
  /** The SSH connection to the balancer's host, when the socket is reached through it. */
  readonly tunnel?: SshLink | undefined;
}

/**
 * Sends one command on a connection of its own and returns the whole answer: in HAProxy's
 * default (non-interactive) mode it writes the answer and closes, so the end of the stream is the
 * end of the answer and no framing is needed. A missing or refused socket, a reset, or no end of
 * the answer within `timeoutMs` is a `ConnectionError` naming the balancer and its address; the
 * signal's abort is an `AbortedError`.
 */
export function runCommand(
  endpoint: RuntimeEndpoint,
  command: string,
  signal?: AbortSignal,
): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(aborted(endpoint, command));
      return;
    }
    let socket: Duplex | undefined;
    let done = false;
    const chunks: Buffer[] = [];
    const finish = (error: Error | undefined, answer?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket?.destroy();
      if (error === undefined) resolve(answer ?? '');
      else reject(error);
    };
    const onAbort = () => finish(aborted(endpoint, command));
    const timer = setTimeout(
      () => finish(connectionError(endpoint, command, NO_ANSWER, `no answer in ${endpoint.timeoutMs} ms`)),
      endpoint.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    openSocket(endpoint).then(
      (open) => {
        socket = open;
        if (done) {
          open.destroy();
          return;
        }
        open.on('data', (chunk: Buffer) => chunks.push(chunk));
        open.once('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
        open.once('error', (error: NodeJS.ErrnoException) =>
          finish(connectionError(endpoint, command, error.code, error.message)),
        );
        open.write(`${command}\n`);
      },
      (error: unknown) => finish(openFailure(endpoint, command, error)),
    );
  });
}

/** A connection to the socket: directly, or as a channel of the balancer host's SSH connection. */
function openSocket({ socket, tunnel }: RuntimeEndpoint): Promise<Duplex> {
  if (tunnel !== undefined) {
    return socket.kind === 'unix'
      ? tunnel.forwardSocket(socket.path)
      : tunnel.forwardTcp(socket.host, socket.port);
  }
  return new Promise((resolve, reject) => {
    const direct: Socket =
      socket.kind === 'unix'
        ? connect({ path: socket.path })
        : connect({ host: socket.host, port: socket.port });
    direct.once('error', reject);
    direct.once('connect', () => {
      direct.removeListener('error', reject);
      resolve(direct);
    });
  });
}

/** Why no connection opened: through SSH as the tunnel says it, else the socket's own failure. */
function openFailure(endpoint: RuntimeEndpoint, command: string, error: unknown): Error {
  const tunnelled = failureThroughTunnel(error, subjectOf(endpoint, command));
  if (tunnelled !== undefined) return tunnelled;
  const { code, message } = error as NodeJS.ErrnoException;
  return connectionError(endpoint, command, code, message);
}

function subjectOf(endpoint: RuntimeEndpoint, command: string): string {
  return `Cannot use balancer ${endpoint.balancer}'s runtime API at ${endpoint.address} (${verbOf(command)})`;
}

/** The verb of a command, for messages: `show stat`, `set server` (never its arguments' values). */
export function verbOf(command: string): string {
  return command.split(' ').slice(0, 2).join(' ');
}

function connectionError(
  endpoint: RuntimeEndpoint,
  command: string,
  code: string | undefined,
  message: string,
): ConnectionError {
  const { reason, transient } = socketFailure(code, message);
  return new ConnectionError(`${subjectOf(endpoint, command)}: ${reason}.`, {
    networkCode: code,
    transient,
    reason,
  });
}

function aborted(endpoint: RuntimeEndpoint, command: string): AbortedError {
  return new AbortedError(
    `Stopped: ${verbOf(command)} on balancer ${endpoint.balancer} (${endpoint.address}) was aborted.`,
  );
}
