import { UsageError } from '@tomcat-pd/core';
import type { CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { parseDuration } from '../durations.js';
import { createServeMetrics } from '../serve/prometheus.js';
import { startServer } from '../serve/server.js';
import { initialSnapshot, watchTargets } from '../serve/snapshot.js';

interface ServeFlags {
  listen?: string;
  interval?: string;
}

export interface Listen {
  host: string;
  port: number;
}

interface ServeInput {
  listen: Listen;
  intervalMs: number;
}

/** This machine only: a page of every target's versions is not for the whole network by default. */
export const DEFAULT_LISTEN = '127.0.0.1:9440';
export const DEFAULT_INTERVAL = '10s';

/** Both values checked before anything listens or connects. */
export function parse({ options }: CommandLine<ServeFlags>): ServeInput {
  const text = options.interval ?? DEFAULT_INTERVAL;
  const intervalMs = parseDuration(text, '--interval');
  // Each interval reads `list` from every target: more often than each second only loads Tomcat.
  if (intervalMs < 1000) throw new UsageError(`--interval takes 1s or more, not "${text}".`);
  return { listen: parseListen(options.listen ?? DEFAULT_LISTEN), intervalMs };
}

/** `HOST:PORT`, `[IPv6]:PORT`, or a port alone (on 127.0.0.1); port 0 takes any free one. */
export function parseListen(text: string): Listen {
  const trimmed = text.trim();
  const [, host, digits] =
    /^\[([^\]]+)\]:(\d+)$/.exec(trimmed) ?? // [::1]:9440
    /^([^:[\]]*):(\d+)$/.exec(trimmed) ?? // 127.0.0.1:9440, localhost:9440, :9440
    /^()(\d+)$/.exec(trimmed)?.map((part, i) => (i === 1 ? '127.0.0.1' : part)) ?? // 9440
    [];
  const port = Number(digits);
  if (host === undefined || digits === undefined || port > 65_535) {
    throw new UsageError(
      `--listen takes HOST:PORT (127.0.0.1:9440, [::1]:9440, 0.0.0.0:9440 for every interface), not "${text}".`,
    );
  }
  if (host === '') {
    throw new UsageError(
      `--listen needs a host before the port: 127.0.0.1:${port} for this machine, 0.0.0.0:${port} for every interface.`,
    );
  }
  return { host, port };
}

/**
 * `tomcat-pd serve [--listen HOST:PORT] [--interval D]`: a read-only web page, JSON and
 * Prometheus metrics over every selected target, read every interval (`list`, and the status
 * page at most every 5 s where the server has it), until SIGINT/SIGTERM; then exit 0. The URL
 * is the one line on stdout (`{ "url": ... }` with --json), for scripts that listen on port 0.
 */
export async function run(context: CliContext, { listen, intervalMs }: ServeInput): Promise<void> {
  const clients = await context.clients();
  let snapshot = initialSnapshot(clients, intervalMs);
  const server = await listenOn(listen, () => snapshot);
  try {
    if (!server.loopback) {
      context.output.warn(
        `serve listens on ${server.url}, which other machines can reach: anyone who can open it sees every ` +
          "target's apps, versions, sessions and errors (never a password). Put it behind a proxy that " +
          'authenticates, or listen on 127.0.0.1.',
      );
    }
    context.output.line({ url: server.url }, () => `Serving ${server.url}`);
    const names = clients.map((client) => client.name).join(', ');
    context.output.info(`Reading ${names} every ${intervalMs / 1000} s; Ctrl-C stops.`);
    await watchTargets({
      clients,
      intervalMs,
      parallel: context.parallel,
      signal: context.signal,
      onChange: (next) => {
        snapshot = next;
        server.publish();
      },
    });
  } finally {
    await server.close();
  }
  context.output.info('Stopped.');
}

/** The server, or a usage error that says why it cannot listen there (port taken, no such address). */
async function listenOn(listen: Listen, current: Parameters<typeof startServer>[0]['current']) {
  const where = listen.host.includes(':')
    ? `[${listen.host}]:${listen.port}`
    : `${listen.host}:${listen.port}`;
  try {
    return await startServer({ ...listen, current, metrics: createServeMetrics() });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EADDRINUSE'
        ? 'the port is in use'
        : code === 'EACCES'
          ? 'not allowed (a port below 1024 needs privileges)'
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? 'no interface of this machine has that address'
            : (error as Error).message;
    throw new UsageError(`Cannot listen on ${where}: ${reason}.`, {
      hint: 'Choose another address or port with --listen HOST:PORT.',
    });
  }
}
