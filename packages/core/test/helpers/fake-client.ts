import { TomcatFailError, type FailKind } from '../../src/manager/parse/tomcat-fail.js';
import type {
  AppAnswer,
  ContextRef,
  DatedList,
  DeployRequest,
  ManagerClient,
  VisitOptions,
} from '../../src/manager/manager-client.js';
import { isLockContextPath } from '../../src/versions/context-name.js';
import type {
  ContextEntry,
  ContextMetrics,
  ContextState,
  FindLeaksAnswer,
  ServerInfo,
  ServerMetrics,
  SessionInfo,
} from '../../src/manager/parse/types.js';
import type { SessionIdsAnswer } from '../../src/manager/session-ids.js';

/** A `list` entry, named the way Tomcat lists it (`shop##002`, or `shop##004.war` when stopped). */
export function entry(
  path: string,
  version: string,
  state: ContextState = 'running',
  sessions = 0,
): ContextEntry {
  const base = `${path === '/' ? 'ROOT' : path.slice(1).replaceAll('/', '#')}${version ? `##${version}` : ''}`;
  return { path, version, state, sessions: state === 'running' ? sessions : 0, name: base };
}

/**
 * An in-memory Manager for unit tests of the operations' decisions: it keeps contexts, records
 * every call, and can be told to fail a command once or to change state between calls.
 */
export class FakeManager implements ManagerClient {
  name = 'fake';
  managerUrl = 'http://fake.test/manager';
  appUrl = 'http://fake.test';
  /**
   * What the app answers a visit of `path` (`/shop/health`); a thrown error is no answer. By
   * default every running app answers 200 `healthy`, anything else 404.
   */
  answerVisit: (path: string, contexts: ContextEntry[]) => AppAnswer | Promise<AppAnswer> = (
    path,
    contexts,
  ) =>
    contexts.some(
      (c) =>
        c.state === 'running' && (path === c.path || path.startsWith(`${c.path === '/' ? '' : c.path}/`)),
    )
      ? { status: 200, body: 'healthy' }
      : { status: 404, body: 'Not Found' };
  readonly calls: string[] = [];
  /** Deploys of these versions fail to start, leaving a stopped context (Tomcat's behaviour). */
  readonly failToStart = new Set<string>();
  /** The next call of a command throws this, before the server acts. */
  readonly failNext = new Map<string, Error>();
  /** The next call of a command acts on the server, then throws this (the answer was lost). */
  readonly loseAnswer = new Map<string, Error>();
  /**
   * The ids of each context's sessions as the JMX proxy lists them, by display name
   * (`/shop##002`); unset, the proxy is forbidden (a user without `manager-jmx`, the usual case).
   */
  sessionIdMap: Map<string, string[]> | undefined;
  /** Runs before each `list` answer: simulates visitors and other processes. */
  beforeList: ((contexts: ContextEntry[]) => void) | undefined;

  /** The server's clock, as the `Date` of its answers tells it. */
  serverClock: () => Date | undefined = () => new Date();

  constructor(public contexts: ContextEntry[] = []) {}

  list(): Promise<ContextEntry[]> {
    return this.#call('list', () => {
      this.beforeList?.(this.contexts);
      return this.contexts.filter((c) => !isLockContextPath(c.path)).map((context) => ({ ...context }));
    });
  }

  listAll(): Promise<DatedList> {
    return this.#call('list', () => {
      this.beforeList?.(this.contexts);
      return { entries: this.contexts.map((context) => ({ ...context })), date: this.serverClock() };
    });
  }

  deployBytes(request: { path: string; war: Uint8Array }): Promise<string> {
    return this.#call(`deploy ${request.path}`, () => {
      if (this.contexts.some((c) => c.path === request.path)) {
        fail('deploy', `Application already exists at path [${request.path}]`, 'already-exists');
      }
      this.contexts.push(entry(request.path, ''));
      return `Deployed application at context path [${request.path}]`;
    });
  }

  serverInfo(): Promise<ServerInfo> {
    return this.#call('serverinfo', () => ({ tomcatVersion: 'Apache Tomcat/10.1.60', fields: {} }));
  }

  sessions(ref: ContextRef): Promise<SessionInfo> {
    return this.#call(`sessions ${ref.path}##${ref.version}`, () => {
      const count = this.#find(ref).sessions;
      const buckets = count > 0 ? [{ label: '<1', fromMinutes: 0, toMinutes: 1, count }] : [];
      return { defaultMaxInactiveMinutes: 30, buckets, total: count };
    });
  }

  sessionIds(ref: ContextRef): Promise<SessionIdsAnswer> {
    return this.#call(`sessionIds ${ref.path}##${ref.version}`, () =>
      this.sessionIdMap === undefined
        ? { kind: 'unavailable', why: 'forbidden' }
        : { kind: 'ids', ids: this.sessionIdMap.get(`${ref.path}##${ref.version}`) ?? [] },
    );
  }

  expire(ref: ContextRef & { idleMinutes: number }): Promise<SessionInfo> {
    return this.#call(`expire ${ref.path}##${ref.version} idle=${ref.idleMinutes}`, () => {
      const context = this.#find(ref);
      const expired = context.sessions;
      context.sessions = 0;
      return { defaultMaxInactiveMinutes: 30, buckets: [], total: expired, expired };
    });
  }

  deploy(request: DeployRequest): Promise<string> {
    return this.#call(`deploy ${request.path}##${request.version}`, () => {
      const display = `${request.path}##${request.version}`;
      const existing = this.contexts.findIndex(
        (c) => c.path === request.path && c.version === request.version,
      );
      if (existing >= 0 && !request.update)
        fail('deploy', `Application already exists at path [${display}]`, 'already-exists');
      if (existing >= 0) this.contexts.splice(existing, 1);
      if (this.failToStart.has(request.version)) {
        this.contexts.push({
          ...entry(request.path, request.version, 'stopped'),
          name: `${entry(request.path, request.version).name}.war`,
        });
        fail(
          'deploy',
          `Deployed application at context path [${display}] but context failed to start`,
          'failed-to-start',
        );
      }
      this.contexts.push(entry(request.path, request.version));
      return `Deployed application at context path [${display}]`;
    });
  }

  undeploy(ref: ContextRef): Promise<string> {
    return this.#call(`undeploy ${ref.path}##${ref.version}`, () => {
      this.contexts.splice(this.contexts.indexOf(this.#find(ref)), 1);
      return `Undeployed application at context path [${ref.path}##${ref.version}]`;
    });
  }

  start(ref: ContextRef): Promise<string> {
    return this.#call(`start ${ref.path}##${ref.version}`, () => {
      this.#find(ref).state = 'running';
      return 'Started';
    });
  }

  stop(ref: ContextRef): Promise<string> {
    return this.#call(`stop ${ref.path}##${ref.version}`, () => {
      const context = this.#find(ref);
      context.state = 'stopped';
      context.sessions = 0;
      return 'Stopped';
    });
  }

  reload(ref: ContextRef): Promise<string> {
    return this.#call(`reload ${ref.path}##${ref.version}`, () => 'Reloaded');
  }

  /** The paths `findleaks` names (Tomcat's order, repeated once per leaked class loader). */
  leakedPaths: string[] = [];

  findLeaks(): Promise<FindLeaksAnswer> {
    return this.#call('findleaks', () => ({ leakedPaths: [...new Set(this.leakedPaths)] }));
  }

  /** What the status page answers; by default every context, started on 1 December 2026, without traffic. */
  answerMetrics: (contexts: ContextEntry[]) => ServerMetrics = (contexts) => ({
    contexts: contexts.map((context) => contextMetrics(context)),
    memoryPools: [],
  });

  serverMetrics(): Promise<ServerMetrics> {
    return this.#call('status', () => this.answerMetrics(this.contexts));
  }

  async visit(path: string, options: VisitOptions): Promise<AppAnswer> {
    this.calls.push(options.method === 'OPTIONS' ? `visit OPTIONS ${path}` : `visit ${path}`);
    const answer = await this.answerVisit(path, this.contexts);
    return { ...answer, body: answer.body.slice(0, options.maxBodyBytes) };
  }

  /** The calls that changed something (everything but reads). */
  get changes(): string[] {
    return this.calls.filter((call) => !/^(list|serverinfo|sessions|sessionIds|visit|status)/.test(call));
  }

  #find(ref: ContextRef): ContextEntry {
    const context = this.contexts.find((c) => c.path === ref.path && c.version === ref.version);
    if (!context) fail('command', `No context exists named [${ref.path}##${ref.version}]`, 'no-context');
    return context;
  }

  async #call<T>(call: string, work: () => T): Promise<T> {
    this.calls.push(call);
    await Promise.resolve();
    const command = call.split(' ')[0] ?? call;
    const failure = this.failNext.get(command);
    if (failure) {
      this.failNext.delete(command);
      throw failure;
    }
    const result = work();
    const lost = this.loseAnswer.get(command);
    if (lost) {
      this.loseAnswer.delete(command);
      throw lost;
    }
    return result;
  }
}

function fail(command: string, message: string, kind: FailKind): never {
  throw new TomcatFailError(command, message, kind);
}

/** Fakes with distinct names and Manager URLs, as the targets of a config file would have. */
export function fakeFleet(...contexts: ContextEntry[][]): FakeManager[] {
  return contexts.map((list, index) =>
    Object.assign(new FakeManager(list), {
      name: `web${index + 1}`,
      managerUrl: `http://web${index + 1}.test/manager`,
      appUrl: `http://web${index + 1}.test`,
    }),
  );
}

/** The status page's view of a context: deployed at `deployedAt` (epoch ms), with the given counters. */
export function contextMetrics(
  context: ContextEntry,
  counters: { requests?: number; errors?: number; created?: number; deployedAt?: number } = {},
): ContextMetrics {
  const {
    requests = 0,
    errors = 0,
    created = context.sessions,
    deployedAt: startedAt = Date.UTC(2026, 11, 1),
  } = counters;
  const running = context.state === 'running';
  return {
    name: `localhost${context.path === '/' ? '/' : context.path}${context.version === '' ? '' : `##${context.version}`}`,
    host: 'localhost',
    path: context.path,
    version: context.version,
    state: running ? 'STARTED' : 'STOPPED',
    startedAt: running ? startedAt : undefined,
    startTime: new Date(running ? startedAt : 0).toUTCString(),
    sessions: {
      active: context.sessions,
      created,
      expired: 0,
      rejected: 0,
      maxActive: context.sessions,
      averageAliveSeconds: 0,
      maxAliveSeconds: 0,
    },
    requests,
    errors,
    processingTimeMs: 0,
    servlets: [{ name: 'jsp', requests, errors, processingTimeMs: 0 }],
  };
}

/** A probe of /health: the fake's apps answer at once; one that is not up yet is given 300 ms. */
export const health = { paths: ['/health'], timeoutMs: 300, intervalMs: 10 };

/** A Tomcat whose apps answer every visit (a probe's, a smoke copy's too) with `status` and `body`. */
export function tomcatAnswering(
  status: number,
  body: string,
  contexts = [entry('/shop', '001', 'running', 3)],
): FakeManager {
  const tomcat = new FakeManager(contexts);
  tomcat.answerVisit = () => ({ status, body });
  return tomcat;
}

/**
 * A Tomcat whose apps are not up yet (503), and the signal of a caller that aborts at their first
 * answer: an abort while a probe waits for the app, whatever the machine's speed.
 */
export function abortedWhileStarting(): { tomcat: FakeManager; signal: AbortSignal } {
  const tomcat = new FakeManager([entry('/shop', '001', 'running', 3)]);
  const controller = new AbortController();
  tomcat.answerVisit = () => {
    controller.abort();
    return { status: 503, body: 'starting' };
  };
  return { tomcat, signal: controller.signal };
}
