import { connect, type Socket } from 'node:net';
import { AbortedError, ConnectionError } from '../../errors/error-classes.js';
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
    const socket: Socket =
      endpoint.socket.kind === 'unix'
        ? connect({ path: endpoint.socket.path })
        : connect({ host: endpoint.socket.host, port: endpoint.socket.port });
    const chunks: Buffer[] = [];
    const finish = (error: Error | undefined, answer?: string) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error === undefined) resolve(answer ?? '');
      else reject(error);
    };
    const onAbort = () => finish(aborted(endpoint, command));
    const timer = setTimeout(
      () => finish(connectionError(endpoint, command, NO_ANSWER, `no answer in ${endpoint.timeoutMs} ms`)),
      endpoint.timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.once('end', () => finish(undefined, Buffer.concat(chunks).toString('utf8')));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish(connectionError(endpoint, command, error.code, error.message)),
    );
    socket.once('connect', () => socket.write(`${command}\n`));
  });
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
  return new ConnectionError(
    `Cannot use balancer ${endpoint.balancer}'s runtime API at ${endpoint.address} (${verbOf(command)}): ${reason}.`,
    { networkCode: code, transient, reason },
  );
}

function aborted(endpoint: RuntimeEndpoint, command: string): AbortedError {
  return new AbortedError(
    `Stopped: ${verbOf(command)} on balancer ${endpoint.balancer} (${endpoint.address}) was aborted.`,
  );
}
