/**
 * Stand-in Tomcat Managers for the benchmarks: one node:http server per target, each on its
 * own port of 127.0.0.1 (a distinct origin, so that the CLI opens its own connections to each,
 * as to real hosts), answering every request after a fixed latency with texts recorded on
 * Tomcat 10.1.60 (fixtures/). `list` is `list-mixed.txt` (an app with four
 * versions, two of them draining, so a drain has work to plan) plus a line per version deployed
 * here since the last `reset()`; `deploy` reads the whole body, then answers `deploy-ok.txt`
 * with the deployed name in the brackets. Each server records its requests (kind, start, end),
 * so the benchmark can count what a command really sent and in what sequence.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixture } from './recorded.js';

/** The recorded answers, read once; `[...]` placeholders are filled per request. */
const RECORDED = {
  list: fixture('list-mixed.txt'),
  sessions: fixture('sessions-several-buckets.txt'),
  serverinfo: fixture('serverinfo.txt'),
  statusJson: fixture('status/status-all-10.1.json'),
  deployOk: fixture('deploy-ok.txt'),
  alreadyExists: fixture('deploy-already-exists.txt'),
  undeployOk: fixture('undeploy-ok.txt'),
  noContext: fixture('undeploy-no-context.txt'),
  unknownCommand: fixture('unknown-command.txt'),
  unauthorized: fixture('http-401.html'),
};

const TEXT = 'text/plain;charset=utf-8';
const JSON_TYPE = 'application/json;charset=utf-8';

/** One request as the stand-in saw it: `list`, `deploy`, `status` (the JSON page), ...; ms of `performance.now()`. */
export interface SeenRequest {
  kind: string;
  startMs: number;
  endMs: number;
}

export interface StandInManager {
  /** The Manager base URL, `http://127.0.0.1:PORT/manager`. */
  managerUrl: string;
  user: string;
  password: string;
  /** Every request since the last `reset()`, in order of arrival. */
  readonly requests: readonly SeenRequest[];
  /** Forgets the requests and the versions deployed here: `list` is the recording again. */
  reset(): void;
}

export interface StandInFleet {
  targets: StandInManager[];
  /** Sets the latency of every answer from now on. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const USER = 'pd-script';
const PASSWORD = 'stand-in-s3cret';

/** `/scale##001`, `/##001` for ROOT, the path alone when unversioned (docs/tomcat-manager.md#deploy). */
function contextName(path: string, version: string): string {
  return version === '' ? path : `${path === '/' ? '' : path}##${version}`;
}

/** The `list` line of a version deployed from a WAR and unpacked in appBase (docs/tomcat-manager.md#list). */
function listLine(path: string, version: string): string {
  const base = path === '/' ? 'ROOT' : path.slice(1).replaceAll('/', '#');
  return `${path}:running:0:${base}${version === '' ? '' : `##${version}`}`;
}

/** A recorded one-line answer with another context name in its brackets. */
function withName(recorded: string, name: string): string {
  return recorded.replace(/\[[^\]]*\]/, `[${name}]`);
}

/** The escaped name of a `No context exists named [&#47;app##999]` answer (docs/tomcat-manager.md#html-entities). */
function withEscapedName(recorded: string, name: string): string {
  return withName(recorded, name.replaceAll('/', '&#47;'));
}

/** `list` for `/manager/text/list`, `status` for the status page, else the path itself. */
function kindOf(url: URL): string {
  if (url.pathname === '/manager/status/all') return 'status';
  return /^\/manager\/text\/([a-z]+)$/.exec(url.pathname)?.[1] ?? url.pathname;
}

class Target implements StandInManager {
  managerUrl = '';
  readonly user = USER;
  readonly password = PASSWORD;
  requests: SeenRequest[] = [];
  /** Deployed here since the last reset: context name → list line. */
  readonly #deployed = new Map<string, string>();
  readonly #expectedAuth = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

  readonly #latency: () => number;

  constructor(latency: () => number) {
    this.#latency = latency;
  }

  reset(): void {
    this.requests = [];
    this.#deployed.clear();
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    const startMs = performance.now();
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const kind = kindOf(url);
    let bodyBytes = 0;
    request.on('data', (chunk: Buffer) => (bodyBytes += chunk.length));
    request.on('end', () => {
      const answer = this.#answer(request, url, kind, bodyBytes);
      const send = () => {
        response.writeHead(answer.status, { 'Content-Type': answer.type, ...answer.headers });
        response.end(answer.body, () => {
          this.requests.push({ kind, startMs, endMs: performance.now() });
        });
      };
      const latencyMs = this.#latency();
      if (latencyMs > 0) setTimeout(send, latencyMs);
      else send();
    });
  }

  #answer(
    request: IncomingMessage,
    url: URL,
    kind: string,
    bodyBytes: number,
  ): { status: number; type: string; body: string; headers?: Record<string, string> } {
    if (request.headers.authorization !== this.#expectedAuth) {
      return {
        status: 401,
        type: 'text/html;charset=UTF-8',
        body: RECORDED.unauthorized,
        headers: { 'WWW-Authenticate': 'Basic realm="Tomcat Manager Application"' },
      };
    }
    if (kind === 'status' && url.searchParams.get('JSON') === 'true') {
      return { status: 200, type: JSON_TYPE, body: RECORDED.statusJson };
    }
    return { status: 200, type: TEXT, body: this.#command(request.method ?? 'GET', kind, url, bodyBytes) };
  }

  #command(method: string, kind: string, url: URL, bodyBytes: number): string {
    const path = url.searchParams.get('path') ?? '';
    const name = contextName(path, url.searchParams.get('version') ?? '');
    if (method === 'PUT' && kind === 'deploy' && bodyBytes > 0) {
      if (this.#deployed.has(name) && url.searchParams.get('update') !== 'true') {
        return withName(RECORDED.alreadyExists, name);
      }
      this.#deployed.set(name, listLine(path, url.searchParams.get('version') ?? ''));
      return withName(RECORDED.deployOk, name);
    }
    if (method !== 'GET') return withName(RECORDED.unknownCommand, `/${kind}`);
    switch (kind) {
      case 'list':
        return RECORDED.list + [...this.#deployed.values()].map((line) => `${line}\n`).join('');
      case 'sessions':
        return RECORDED.sessions;
      case 'serverinfo':
        return RECORDED.serverinfo;
      case 'undeploy':
        if (!this.#deployed.delete(name)) return withEscapedName(RECORDED.noContext, name);
        return withName(RECORDED.undeployOk, name);
      default:
        return withName(RECORDED.unknownCommand, `/${kind}`);
    }
  }
}

/** Starts `count` stand-ins, each answering after `latencyMs`; `close()` stops them all. */
export async function startStandIns(count: number, latencyMs: number): Promise<StandInFleet> {
  let latency = latencyMs;
  const servers: Server[] = [];
  const targets: Target[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const target = new Target(() => latency);
      const server = createServer((request, response) => target.handle(request, response));
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      target.managerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/manager`;
      targets.push(target);
    }
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  return {
    targets,
    setLatency: (ms) => (latency = ms),
    close: () => closeAll(servers),
  };
}

async function closeAll(servers: readonly Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
}
