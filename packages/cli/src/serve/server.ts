import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import { redactSecrets } from '@tomcat-pd/core/internal';
import { serveDocument } from './document.js';
import { PAGE_CSP, renderPage, renderView, type PageOptions } from './page.js';
import type { ServeMetrics } from './prometheus.js';
import type { FleetSnapshot } from '@tomcat-pd/core';
import type { LbView } from './lb-section.js';
import type { LocksBlock } from '../lock/locks-block.js';
import type { RolloutRecord } from '@tomcat-pd/core/internal';

export interface ServeServerOptions {
  host: string;
  /** `0`: any free port (the URL says which). */
  port: number;
  /** The last snapshot: every answer is made from it at once, never waiting for a read. */
  current: () => FleetSnapshot;
  metrics: ServeMetrics;
  /**
   * The last view of the balancers, each member with its target's sessions, the colours and a
   * restart in progress; absent (or `undefined`) without balancers in the config: the answers
   * are then as they always were.
   */
  balancers?: (() => LbView | undefined) | undefined;
  /** The last read of the release lock: who holds what (docs/lock.md); absent before the first read. */
  locks?: (() => LocksBlock | undefined) | undefined;
  /** The paused rollouts last read on the targets; none when absent. */
  paused?: (() => readonly RolloutRecord[]) | undefined;
  /** Open event streams at most; more get 503 (each holds a socket). @defaultValue 100 */
  maxEventClients?: number | undefined;
  /** A comment on every event stream this often, so that proxies keep it open. @defaultValue 15 000 */
  heartbeatMs?: number | undefined;
}

export interface ServeServer {
  /** `http://127.0.0.1:9440/`. */
  readonly url: string;
  /** Bound to a loopback address only (127.0.0.0/8, ::1): unreachable from other machines. */
  readonly loopback: boolean;
  /** Open `/events` streams now. */
  readonly eventClients: number;
  /** `current()` changed: pushed to the event streams (once for changes that come in a burst). */
  publish(): void;
  /** Ends every event stream and connection, and stops listening. */
  close(): Promise<void>;
}

/** Reads of many targets finish close together: one push for all of them. */
const COALESCE_MS = 100;
const MAX_CONNECTIONS = 256;
/** An event stream whose reader stopped reading is dropped before it holds more than this. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** Headers of every answer: nothing is cached, sniffed, framed or sent along as a referrer. */
const COMMON_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The read-only HTTP server of `serve`, over node:http: `/` (the page), `/events` (Server-Sent
 * Events), `/api/status`, `/metrics`, `/healthz`. GET and HEAD only; every answer is made from
 * the last snapshot, so a slow target never delays one.
 */
export async function startServer(options: ServeServerOptions): Promise<ServeServer> {
  const { host, port, current, metrics, maxEventClients = 100, heartbeatMs = 15_000 } = options;
  const balancers = () => options.balancers?.();
  const locks = () => options.locks?.();
  const paused = () => options.paused?.() ?? [];
  const streams = new Set<ServerResponse>();
  let loopback = false;

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return send(response, 405, 'text/plain; charset=utf-8', 'Only GET and HEAD: serve changes nothing.\n', {
        Allow: 'GET, HEAD',
      });
    }
    // A page bound to loopback answers loopback names only: a web page elsewhere cannot read
    // it through a DNS name that points to 127.0.0.1 (DNS rebinding).
    if (loopback && !isLoopbackHostHeader(request.headers.host)) {
      return send(response, 421, 'text/plain; charset=utf-8', 'This server answers to localhost only.\n');
    }
    const path = pathOf(request.url);
    switch (path) {
      case '/':
        return send(
          response,
          200,
          'text/html; charset=utf-8',
          renderPage(current(), { now: Date.now(), lb: balancers(), locks: locks(), paused: paused() }),
          {
            'Content-Security-Policy': PAGE_CSP,
          },
        );
      case '/events':
        return openStream(request, response);
      case '/api/status':
        return send(
          response,
          200,
          'application/json; charset=utf-8',
          `${JSON.stringify(serveDocument(current(), balancers(), locks(), paused()), null, 2)}\n`,
        );
      case '/metrics':
        return send(response, 200, metrics.contentType, await metrics.text(current(), balancers()));
      case '/healthz':
        return send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
      default:
        return send(response, 404, 'text/plain; charset=utf-8', 'Not found: see / for the page.\n');
    }
  };

  const openStream = (request: IncomingMessage, response: ServerResponse) => {
    if (streams.size >= maxEventClients) {
      return send(response, 503, 'text/plain; charset=utf-8', 'Too many open event streams.\n', {
        'Retry-After': '30',
      });
    }
    response.writeHead(200, {
      ...COMMON_HEADERS,
      'Content-Security-Policy': DATA_CSP,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    if (request.method === 'HEAD') return void response.end();
    streams.add(response);
    response.on('close', () => streams.delete(response));
    // The current view at once: a page rendered a while ago, or reconnecting, is up to date.
    response.write(
      `retry: 3000\n\n${snapshotEvent(current(), { lb: balancers(), locks: locks(), paused: paused() })}`,
    );
  };

  let pending: NodeJS.Timeout | undefined;
  const push = () => {
    pending = undefined;
    if (streams.size === 0) return;
    const event = snapshotEvent(current(), { lb: balancers(), locks: locks(), paused: paused() });
    for (const stream of streams) write(stream, event);
  };
  const heartbeat = setInterval(() => {
    for (const stream of streams) write(stream, ': keep-alive\n\n');
  }, heartbeatMs);
  heartbeat.unref();

  const server = createServer((request, response) => {
    route(request, response).catch(() => {
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Internal error.\n');
      else response.destroy();
    });
  });
  // Each connection holds a socket and its buffers: a bound keeps a flood of them from growing
  // the process (browsers open a few each, Prometheus one; the event streams have their own bound).
  server.maxConnections = MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  loopback = isLoopbackAddress(address.address);
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${shownHost}:${address.port}/`,
    loopback,
    get eventClients() {
      return streams.size;
    },
    publish() {
      pending ??= setTimeout(push, COALESCE_MS);
    },
    async close() {
      clearInterval(heartbeat);
      clearTimeout(pending);
      for (const stream of streams) stream.end();
      streams.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/** One `snapshot` event: the view as the page shows it, one `data:` line per line of it. */
function snapshotEvent(snapshot: FleetSnapshot, view: Omit<PageOptions, 'now'>): string {
  const html = renderView(snapshot, { ...view, now: Date.now() });
  const data = html
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
  return `event: snapshot\nid: ${snapshot.sequence}\n${data}\n`;
}

/** Writes to an event stream; a reader that has not taken the last megabyte is dropped. */
function write(stream: ServerResponse, text: string): void {
  if (stream.writableLength > MAX_BUFFERED_BYTES) {
    stream.destroy();
    return;
  }
  stream.write(text);
}

function send(
  response: ServerResponse,
  status: number,
  contentType: string,
  body: string,
  headers: Record<string, string> = {},
): void {
  // The core's texts hold no secret (safety rule 6); this is the second line of defence.
  const text = redactSecrets(body);
  response.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Security-Policy': DATA_CSP,
    ...headers,
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
  });
  // Node sends no body for HEAD, but the length is that of GET's.
  response.end(text);
}

/** The path of a request target (`/api/status?x=1` → `/api/status`); `''` when it cannot be read. */
function pathOf(target: string | undefined): string {
  try {
    return new URL(target ?? '/', 'http://serve.invalid').pathname;
  } catch {
    return '';
  }
}

/** 127.0.0.0/8, ::1, and IPv4-mapped 127.x. */
export function isLoopbackAddress(address: string): boolean {
  if (address === '::1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** `localhost`, `*.localhost`, a loopback address, with or without a port; no header (HTTP/1.0) too. */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return true;
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, '');
  const lower = name.toLowerCase();
  return lower === 'localhost' || lower.endsWith('.localhost') || isLoopbackAddress(lower);
}
