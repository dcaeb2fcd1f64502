import { NO_ANSWER } from '../../manager/http-get.js';
import { networkReason } from '../../manager/http-errors.js';

/** What a failed exchange with a runtime API socket means, in words, and whether to try again. */
export interface SocketFailure {
  readonly reason: string;
  /** Whether the same command may well succeed later (HAProxy restarting, a reset). */
  readonly transient: boolean;
}

// A time-out of ours (HAProxy took the connection but did not answer and close in time) has
// the code every wire of the project gives one.
export { NO_ANSWER };

/** What a socket's own codes mean; the network's codes are worded as for every wire (networkReason). */
const SOCKET_FAILURES: Readonly<Record<string, SocketFailure>> = {
  ENOENT: {
    reason: 'no such socket (is HAProxy running, and is the path its "stats socket"?)',
    transient: false,
  },
  ECONNREFUSED: {
    reason: 'connection refused (is HAProxy running, and is this its "stats socket"?)',
    transient: true,
  },
  EACCES: { reason: 'permission denied on the socket file (its mode and owner)', transient: false },
  ENOTSOCK: { reason: 'the path is not a socket', transient: false },
  [NO_ANSWER]: { reason: 'no complete answer in time', transient: true },
};

/** The failure a socket error code means; an unknown code keeps Node's words. */
export function socketFailure(code: string | undefined, message: string): SocketFailure {
  const own = code === undefined ? undefined : SOCKET_FAILURES[code];
  if (own !== undefined) return own;
  const { reason, transient } = networkReason(code, message);
  return { reason, transient };
}
