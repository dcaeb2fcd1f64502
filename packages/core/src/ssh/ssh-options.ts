import { homedir } from 'node:os';
import { join } from 'node:path';
import { withDefaults } from '../common/defaults.js';
import { UsageError, usageError } from '../errors/error-classes.js';

/**
 * How a target's Manager or a balancer's API is reached when it listens only on its own host:
 * through one SSH connection to that host (docs/ssh.md). The target's `url` (the balancer's
 * `socket`) is then as seen from that host.
 */
export interface SshOptions {
  /** `user@host` or `user@host:port` (`user@[::1]:2222` for an IPv6 address); port 22 when absent. */
  destination: string;
  /** A private key file (OpenSSH or PEM format). Without it, the agent at `agentSocket` signs. */
  keyFile?: string | undefined;
  /** The key file's passphrase, when it has one (the CLI reads it from `TOMCAT_PD_SSH_PASSPHRASE`). */
  passphrase?: string | undefined;
  /**
   * The SSH agent's socket, used when no `keyFile` is given.
   * @defaultValue `SSH_AUTH_SOCK` of the environment
   */
  agentSocket?: string | undefined;
  /**
   * The known hosts the host key must be in.
   * @defaultValue `~/.ssh/known_hosts`, `~` being Node's `os.homedir()`: `$HOME` when it is set
   */
  knownHostsFile?: string | undefined;
  /**
   * How long connecting and the handshake may take.
   * @defaultValue 10 000 (10 s)
   */
  connectTimeoutMs?: number | undefined;
}

/** Where an SSH connection goes: `user@host:port`, as `parseSshDestination` reads it. */
export interface SshDestination {
  readonly user: string;
  /** A name or an address, without the brackets of an IPv6 address. */
  readonly host: string;
  readonly port: number;
}

const DESTINATION = /^([^@\s]+)@(\[[0-9A-Fa-f:.]+\]|[^@\s:[\]]+)(?::(\d{1,5}))?$/;

/**
 * Reads `user@host[:port]`. The user is required: a deploy job's user is rarely the one it runs
 * as, and a guess would be refused by sshd with no word on why.
 * @throws UsageError naming what is wrong, with an example.
 */
export function parseSshDestination(destination: string): SshDestination {
  const match = DESTINATION.exec(destination.trim());
  const port = match?.[3] === undefined ? 22 : Number(match[3]);
  if (match === null || !(port >= 1 && port <= 65_535)) {
    throw usageError(
      `The SSH destination "${destination}" is not user@host or user@host:port (e.g. deploy@web1, deploy@web1:2222).`,
    );
  }
  return { user: match[1]!, host: match[2]!.replace(/^\[|\]$/g, ''), port };
}

/** `user@host:port` for messages and as the key of a connection (brackets around an IPv6 address). */
export function formatSshDestination({ user, host, port }: SshDestination): string {
  return `${user}@${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export const SSH_DEFAULTS = {
  connectTimeoutMs: 10_000,
} satisfies Partial<SshOptions>;

/** How to reach one host, checked, with every default. */
export interface SshSpec {
  readonly destination: SshDestination;
  /** `user@host:port`, for messages. */
  readonly label: string;
  readonly keyFile: string | undefined;
  readonly passphrase: string | undefined;
  readonly agentSocket: string | undefined;
  readonly knownHostsFile: string;
  readonly connectTimeoutMs: number;
}

/**
 * Checks how a host is reached before anything is sent, for `owner` (`Target web1`, `Balancer
 * lb1`), whom a mistake names first: a config of several entries says which one it is in.
 * `~` of the known hosts is Node's `os.homedir()`, which follows `$HOME` (OpenSSH's client reads
 * the user database instead): docs/ssh.md says so.
 * @throws UsageError naming the owner and what is wrong.
 */
export function parseSshOptions(options: SshOptions, owner?: string): SshSpec {
  try {
    return checkedSshOptions(options);
  } catch (error) {
    if (owner === undefined || !(error instanceof UsageError)) throw error;
    throw usageError(`${owner}: ${error.message}`);
  }
}

function checkedSshOptions(options: SshOptions): SshSpec {
  const destination = parseSshDestination(String(options.destination ?? ''));
  const o = withDefaults(options, {
    ...SSH_DEFAULTS,
    knownHostsFile: join(homedir(), '.ssh', 'known_hosts'),
    agentSocket: nonEmpty(process.env.SSH_AUTH_SOCK),
  });
  if (!(o.connectTimeoutMs > 0)) {
    throw usageError(`The SSH connect timeout must be more than 0, not ${o.connectTimeoutMs} ms.`);
  }
  const keyFile = nonEmpty(o.keyFile);
  const agentSocket = nonEmpty(o.agentSocket);
  if (keyFile === undefined && agentSocket === undefined) {
    throw usageError(
      `No key to log in to ${formatSshDestination(destination)} with: give a key file, or run an SSH agent (SSH_AUTH_SOCK).`,
    );
  }
  return {
    destination,
    label: formatSshDestination(destination),
    keyFile,
    passphrase: o.passphrase,
    agentSocket,
    knownHostsFile: o.knownHostsFile,
    connectTimeoutMs: o.connectTimeoutMs,
  };
}

function nonEmpty(text: string | undefined): string | undefined {
  return text === undefined || text === '' ? undefined : text;
}
