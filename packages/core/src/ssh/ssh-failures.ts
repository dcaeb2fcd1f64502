import { ConnectionError, SshError, usageError } from '../errors/error-classes.js';
import { isTomcatPdError, type TomcatPdError, type TomcatPdErrorOptions } from '../errors/tomcat-pd-error.js';
import type { SshSpec } from './ssh-options.js';

/** What a channel was opened for: a TCP port or a UNIX socket on the host, or a command. */
export type ChannelKind = 'tcp' | 'socket' | 'session';

/** RFC 4254 §5.1's reasons for refusing a channel, as ssh2 hands them over (`error.reason`). */
const ADMINISTRATIVELY_PROHIBITED = 1;
const CONNECT_FAILED = 2;

/** The sshd setting that refuses each kind of forwarding (sshd_config(5)). */
const FORWARDING_SETTING = {
  tcp: { refusal: 'tcp-forwarding-refused', setting: 'AllowTcpForwarding' },
  socket: { refusal: 'socket-forwarding-refused', setting: 'AllowStreamLocalForwarding' },
} as const;

/**
 * A channel sshd did not open, by the reason it gave: forwarding forbidden by its configuration
 * (an `SshError` naming the setting), nothing listening at the address on the host (the
 * connection works, the service does not answer), or the connection gone under us.
 */
export function refusedChannel(
  label: string,
  channel: { kind: ChannelKind; address: string },
  error: unknown,
): TomcatPdError {
  const reason = (error as { reason?: unknown } | undefined)?.reason;
  if (reason === ADMINISTRATIVELY_PROHIBITED && channel.kind !== 'session') {
    const { refusal, setting } = FORWARDING_SETTING[channel.kind];
    return new SshError(
      `sshd at ${label} refuses to forward to ${channel.address}: its ${setting} is "no" (or DisableForwarding is "yes"${channel.kind === 'tcp' ? ', or PermitOpen leaves this address out' : ''}).`,
      { refusal, destination: label },
      {
        hint: `Set ${setting} yes in the host's sshd_config (it can be limited to this user with a Match block).`,
      },
    );
  }
  if (reason === CONNECT_FAILED && channel.kind === 'tcp') {
    return new ConnectionError(
      `The SSH connection to ${label} works, but nothing answers at ${channel.address} on that host: is Tomcat running there, and is that its port?`,
      {
        networkCode: 'ECONNREFUSED',
        transient: true,
        reason: `nothing answers at ${channel.address} on ${label}`,
      },
    );
  }
  if (reason === CONNECT_FAILED) {
    // OpenSSH answers a stream-local forwarding that its AllowStreamLocalForwarding forbids as it
    // answers a socket that is missing or closed to the user ("connect failed"): all are named.
    const cause = `nothing listens there, ${label.split('@')[0]} may not open it, or sshd's AllowStreamLocalForwarding is "no"`;
    return new ConnectionError(
      `The SSH connection to ${label} works, but the socket ${channel.address} on that host cannot be opened: ${cause} (sshd gives the same answer for each).`,
      {
        transient: false,
        reason: `the socket ${channel.address} on ${label} cannot be opened (${cause})`,
      },
    );
  }
  if (typeof reason === 'number') {
    return new ConnectionError(
      `sshd at ${label} did not open a channel to ${channel.address} (reason ${reason}).`,
      {
        transient: false,
      },
    );
  }
  return new ConnectionError(
    `The SSH connection to ${label} closed before a channel to ${channel.address} opened.`,
    {
      networkCode: 'ECONNRESET',
      transient: true,
      reason: `the SSH connection to ${label} closed`,
    },
  );
}

/** What the words of a socket error code are, when connecting to sshd itself. */
const SOCKET_REASONS: Readonly<Record<string, { reason: string; transient: boolean }>> = {
  ECONNREFUSED: { reason: 'connection refused (is sshd running there, and on this port?)', transient: true },
  ENOTFOUND: { reason: 'host not found (check the host name)', transient: false },
  EAI_AGAIN: { reason: 'host name lookup failed (check DNS and the host name)', transient: true },
  EHOSTUNREACH: { reason: 'host unreachable', transient: true },
  ENETUNREACH: { reason: 'network unreachable', transient: true },
  ECONNRESET: { reason: 'the connection was reset', transient: true },
  ETIMEDOUT: { reason: 'timed out', transient: true },
};

/**
 * A connection to sshd that failed before it was ready, by ssh2's `level`: the user's key refused
 * (an `SshError`), the agent unusable (a usage error), sshd unreachable or silent, or a handshake
 * that failed (a `ConnectionError`).
 */
export function sshdFailure(spec: SshSpec, error: Error & { level?: string; code?: unknown }): TomcatPdError {
  const { label } = spec;
  const { user, host, port } = spec.destination;
  switch (error.level) {
    case 'client-authentication':
      return new SshError(
        `sshd at ${label} refused ${spec.keyFile === undefined ? 'every key of the agent' : `the key ${spec.keyFile}`} for user ${user}.`,
        { refusal: 'key-refused', destination: label },
        {
          hint: `Add its public key to ~${user}/.ssh/authorized_keys on the host (ssh-copy-id${port === 22 ? '' : ` -p ${port}`} ${user}@${host}). Passwords are not used.`,
        },
      );
    case 'agent':
      return usageError(
        `The SSH agent at ${spec.agentSocket ?? 'SSH_AUTH_SOCK'} cannot be used to log in to ${label}: ${error.message}.`,
        'Start the agent and add the key (ssh-add), or give a key file.',
      );
    case 'client-timeout':
      return new ConnectionError(
        `Cannot reach sshd at ${label}: no SSH handshake within ${spec.connectTimeoutMs} ms (is the host up, and does a firewall drop the port?).`,
        { networkCode: 'ETIMEDOUT', transient: true, reason: 'no SSH handshake in time' },
      );
    case 'client-socket':
    case 'client-dns': {
      const code = typeof error.code === 'string' ? error.code : undefined;
      const known = code === undefined ? undefined : SOCKET_REASONS[code];
      const reason = known?.reason ?? error.message;
      return new ConnectionError(`Cannot reach sshd at ${label}: ${reason}.`, {
        networkCode: code,
        transient: known?.transient ?? false,
        reason,
      });
    }
    default:
      return new ConnectionError(`The SSH handshake with ${label} failed: ${error.message}.`, {
        transient: false,
        reason: 'the SSH handshake failed',
      });
  }
}

/**
 * A failure to open a connection through SSH, as a driver reports it: a `ConnectionError` of the
 * tunnel (sshd unreachable, nothing at the address on the host) gets the driver's subject
 * (`Cannot reach balancer lb1's console at ...`) before its reason; any other error of ours (an
 * `SshError`, a key file that cannot be read) is told as it is. Undefined for an error that did
 * not come from this library: the driver maps the socket's own failure.
 */
export function failureThroughTunnel(
  error: unknown,
  subject: string,
  options: Pick<TomcatPdErrorOptions, 'url'> = {},
): TomcatPdError | undefined {
  if (error instanceof ConnectionError) {
    const { networkCode, transient, reason } = error;
    return new ConnectionError(
      `${subject}: ${reason ?? error.message}.`,
      { networkCode, transient, reason },
      options,
    );
  }
  return isTomcatPdError(error) ? error : undefined;
}
