/** What a failed exchange with a runtime API socket means, in words, and whether to try again. */
export interface SocketFailure {
  readonly reason: string;
  /** Whether the same command may well succeed later (HAProxy restarting, a reset). */
  readonly transient: boolean;
}

/** The code of a time-out of ours: HAProxy took the connection but did not answer and close in time. */
export const NO_ANSWER = 'ERR_NO_ANSWER';

const FAILURES: Readonly<Record<string, SocketFailure>> = {
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
  ENOTFOUND: { reason: 'host not found (check the host name)', transient: false },
  EAI_AGAIN: { reason: 'host name lookup failed', transient: true },
  ECONNRESET: { reason: 'the connection was reset before the answer ended', transient: true },
  EPIPE: { reason: 'the connection was closed while sending', transient: true },
  EHOSTUNREACH: { reason: 'host unreachable', transient: true },
  ENETUNREACH: { reason: 'network unreachable', transient: true },
  [NO_ANSWER]: { reason: 'no complete answer in time', transient: true },
};

/** The failure a socket error code means; an unknown code keeps Node's words. */
export function socketFailure(code: string | undefined, message: string): SocketFailure {
  return (code === undefined ? undefined : FAILURES[code]) ?? { reason: message, transient: false };
}
