import http from 'node:http';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import type { SshLink } from './ssh-pool.js';

type CreateConnectionCallback = (error: Error | null, socket: Duplex) => void;

/**
 * node:http's agent for a server reached through SSH: each request's socket is a channel of the
 * host's one connection (sshd connects from the host to `host:port` of the URL, as seen there),
 * so nothing listens on this machine and no port is opened on the host. With `tls`, the channel
 * is wrapped in TLS to the server itself: sshd sees only ciphertext.
 */
export function tunnelAgent(link: SshLink, tls?: ConnectionOptions): http.Agent {
  const Base = tls === undefined ? http.Agent : process.getBuiltinModule('node:https').Agent;
  class TunnelAgent extends Base {
    override createConnection(
      options: http.ClientRequestArgs,
      callback: CreateConnectionCallback,
    ): undefined {
      link.forwardTcp(String(options.host ?? 'localhost'), Number(options.port)).then(
        (channel) => callback(null, tls === undefined ? asSocket(channel) : secured(channel, options, tls)),
        (error: Error) => callback(error, undefined as never),
      );
      return undefined;
    }
  }
  // One channel per request: a channel is cheap on an open connection, and no idle one is left open.
  return new TunnelAgent({ keepAlive: false });
}

/** What node:http calls on a socket that a channel does not have: nothing to do for one. */
function asSocket(channel: Duplex): Duplex {
  const none = () => channel;
  return Object.assign(channel, {
    setKeepAlive: none,
    setNoDelay: none,
    setTimeout: none,
    ref: none,
    unref: none,
  });
}

function secured(channel: Duplex, options: http.ClientRequestArgs, tls: ConnectionOptions): Duplex {
  const { connect } = process.getBuiltinModule('node:tls');
  const servername = (options as { servername?: string }).servername ?? String(options.host ?? '');
  return connect({
    ...tls,
    socket: channel,
    servername: /^[\d.:]+$/.test(servername) ? undefined : servername,
  });
}
