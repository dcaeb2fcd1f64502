/** Where a runtime API listens: a UNIX socket's path, or a TCP host and port. */
export type SocketAddress =
  | { readonly kind: 'unix'; readonly path: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/**
 * Reads the `socket` option: `tcp://host:port` (`tcp://[::1]:9999` for IPv6), else a UNIX socket's
 * path. Returns undefined for a `tcp://` without a valid port, which the driver refuses as bad input.
 */
export function parseSocketAddress(socket: string): SocketAddress | undefined {
  if (!socket.startsWith('tcp://')) return { kind: 'unix', path: socket };
  const match = /^tcp:\/\/(?:\[([^\]]+)\]|([^:/[\]]+)):(\d{1,5})\/?$/.exec(socket);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (host === undefined || !(port > 0 && port < 65_536)) return undefined;
  return { kind: 'tcp', host, port };
}
