import type { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import type { Logger } from '../common/logger.js';
import type { SshConnection } from './ssh-connection.js';
import type { SshSpec } from './ssh-options.js';

/** A host reached through SSH, as the wire above sees it: channels, nothing of how they are made. */
export interface SshLink {
  /** `user@host:port`. */
  readonly label: string;
  forwardTcp(host: string, port: number): Promise<Duplex>;
  forwardSocket(path: string): Promise<Duplex>;
  exec(command: string): Promise<ClientChannel>;
}

/** Every host's connection of this process: one per host and identity (the key, the agent, the known hosts). */
const connections = new Map<string, Promise<SshConnection>>();

/**
 * The link to a host, shared by every target and balancer of the process on it: each request
 * is a channel of one connection, so `status` of eight targets on one host makes one
 * handshake. ssh2 and the connection's module are loaded at the first channel, so a start of the
 * CLI without SSH never loads them.
 */
export function sshLinkFor(spec: SshSpec, logger: Logger): SshLink {
  const key = JSON.stringify([spec.label, spec.keyFile, spec.agentSocket, spec.knownHostsFile]);
  const connection = () => {
    let open = connections.get(key);
    if (open === undefined) {
      open = import('./ssh-connection.js').then(({ SshConnection }) => new SshConnection(spec, logger));
      connections.set(key, open);
    }
    return open;
  };
  return {
    label: spec.label,
    forwardTcp: async (host, port) => (await connection()).forwardTcp(host, port),
    forwardSocket: async (path) => (await connection()).forwardSocket(path),
    exec: async (command) => (await connection()).exec(command),
  };
}

/** Closes every SSH connection of the process (the CLI does at the end of each command). */
export async function closeSshConnections(): Promise<void> {
  const open = [...connections.values()];
  connections.clear();
  await Promise.all(open.map(async (connection) => (await connection).close()));
}
