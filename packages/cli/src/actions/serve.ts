import {
  ErrorCode,
  UsageError,
  type FleetSnapshot,
  type ManagerClient,
  type TomcatPdError,
  type WatchFailure,
} from '@tomcat-pd/core';
import {
  fleetRunContextOf,
  initialSnapshot,
  parseWatchFleetOptions,
  runWatchFleet,
  type TargetLocks,
  type RolloutRecord,
  type WatchSpec,
} from '@tomcat-pd/core/internal';
import type { CommandLine } from '../command-line.js';
import { DEFAULT_INTERVAL_MS, DEFAULT_LISTEN, MIN_INTERVAL_MS, type ServeFlags } from '../commands/serve.js';
import type { CliContext } from '../context.js';
import { formatDuration, parseDuration } from '../flags/flag-values.js';
import { createServeMetrics } from '../serve/prometheus.js';
import { startServer } from '../serve/server.js';
import { locksBlockOf, type LocksBlock } from '../lock/locks-block.js';
import { listingLocks } from '../lock/listing-locks.js';
import { pausedRolloutsOf } from './status-paused.js';

export interface Listen {
  host: string;
  port: number;
}

interface ServeInput {
  listen: Listen;
  watch: WatchSpec;
}

/**
 * A page that runs for days reads a target again after any failure (it may be back, or its role
 * fixed), but not after a 401: each try would count towards Tomcat's lock-out (safety rule 7).
 */
function readAgainUnless401(error: TomcatPdError): WatchFailure {
  return error.code === ErrorCode.auth ? 'stop-target' : 'read-again';
}

/** Both values checked before anything listens or connects. */
export function parse({ flags }: CommandLine<ServeFlags>): ServeInput {
  const intervalMs =
    flags.interval === undefined ? DEFAULT_INTERVAL_MS : parseDuration(flags.interval, '--interval');
  if (intervalMs < MIN_INTERVAL_MS) {
    throw new UsageError(
      `--interval takes ${formatDuration(MIN_INTERVAL_MS)} or more, not "${flags.interval}".`,
    );
  }
  return {
    listen: parseListen(flags.listen ?? DEFAULT_LISTEN),
    watch: parseWatchFleetOptions({ intervalMs, metrics: true, onFailure: readAgainUnless401 }),
  };
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
export async function run(context: CliContext, { listen, watch }: ServeInput): Promise<void> {
  const clients = await context.clients();
  const lb = await balancerWatch(context, clients, watch.intervalMs);
  let snapshot: FleetSnapshot = initialSnapshot(clients, watch.intervalMs);
  // The balancers beside the fleet's last reads: joined again when either changes, so that each
  // answer is made from one view and /metrics fills its registry only after a change.
  let balancers = lb?.view(snapshot);
  let locks: LocksBlock | undefined;
  let paused: readonly RolloutRecord[] = [];
  const server = await listenOn(listen, {
    current: () => snapshot,
    balancers: () => balancers,
    locks: () => locks,
    paused: () => paused,
    metrics: createServeMetrics(lb === undefined ? {} : { balancers: { adminStates: lb.adminStates } }),
  });
  const stopBalancers = new AbortController();
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
    const alsoBalancers =
      lb === undefined ? '' : ` and balancer${lb.names.length === 1 ? '' : 's'} ${lb.names.join(', ')}`;
    context.output.info(`Reading ${names}${alsoBalancers} every ${watch.intervalMs / 1000} s; Ctrl-C stops.`);
    // The balancers' watch never ends with an error of its own (a balancer that cannot be read
    // is shown so); it ends when the fleet's does, however that ends.
    const balancersRead = lb?.run(stopBalancers.signal, () => {
      balancers = lb.view(snapshot);
      server.publish();
    });
    try {
      const lockReadings = new Map<string, TargetLocks>();
      const watched = listingLocks(clients, undefined, (reading) => {
        lockReadings.set(reading.target, reading);
        locks = locksBlockOf([...lockReadings.values()]);
        paused = pausedRolloutsOf([...lockReadings.values()], (message) => context.output.warn(message));
      });
      await runWatchFleet(watched, watch, {
        ...fleetRunContextOf({
          parallel: context.parallel,
          signal: context.signal,
          logger: context.output.logger,
        }),
        onChange: (next) => {
          snapshot = next;
          balancers = lb?.view(next);
          server.publish();
        },
      });
    } finally {
      stopBalancers.abort();
      await balancersRead;
    }
  } finally {
    await server.close();
  }
  context.output.info('Stopped.');
}

/**
 * The watch of the config's balancers, or `undefined` without any: their code (serve/lb-watch.ts
 * and the balancers' layer) is loaded only then, so that serve without balancers starts as before.
 */
async function balancerWatch(context: CliContext, clients: readonly ManagerClient[], intervalMs: number) {
  // Known from the config as read, without loading the balancers' code.
  if ((context.config?.balancers.length ?? 0) === 0) return undefined;
  const { createLbWatch } = await import('../serve/lb-watch.js');
  return createLbWatch(
    context,
    clients.map((client) => client.name),
    intervalMs,
  );
}

/** The server, or a usage error that says why it cannot listen there (port taken, no such address). */
async function listenOn(
  listen: Listen,
  serving: Pick<Parameters<typeof startServer>[0], 'current' | 'balancers' | 'locks' | 'paused' | 'metrics'>,
) {
  const where = listen.host.includes(':')
    ? `[${listen.host}]:${listen.port}`
    : `${listen.host}:${listen.port}`;
  try {
    return await startServer({ ...listen, ...serving });
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
