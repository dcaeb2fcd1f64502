import { contextParams } from './manager-request.js';
import { parseFindLeaks } from './parse/parse-findleaks.js';
import { parseList } from './parse/parse-list.js';
import { expectOk } from './parse/parse-response.js';
import { parseServerInfo } from './parse/parse-serverinfo.js';
import { parseSessions } from './parse/parse-sessions.js';
import { parseStatusPage } from './parse/parse-status-json.js';
import { createSessionIdsReader, type SessionIdsAnswer } from './session-ids.js';
import type { CommandRunner } from '../common/command-run.js';
import { NoStatusJsonError } from '../errors/error-classes.js';
import { isLockContextPath } from '../versions/context-name.js';
import {
  ManagerTransport,
  type ManagerTarget,
  type TransportOptions,
  type UploadRequestOptions,
} from './transport.js';
import type { ContextEntry, FindLeaksAnswer, ServerInfo, ServerMetrics, SessionInfo } from './parse/types.js';

/** One version of one app: `{ path: '/shop', version: '004' }`; `version: ''` is unversioned. */
export interface ContextRef {
  path: string;
  version: string;
  signal?: AbortSignal;
}

export interface DeployRequest extends ContextRef, UploadRequestOptions {
  /** The WAR file to upload; it is streamed, never read into memory. */
  warFile: string;
  /** Replace the version if it exists (its sessions are lost). */
  update?: boolean;
  /** Tomcat's tag: a copy of the WAR kept in the manager's work directory. */
  tag?: string;
}

/**
 * The Manager text API of one target, every answer parsed into typed data. A `FAIL - ...`
 * answer throws a `TomcatFailError`; transport failures throw `TomcatPdError`s. The operations
 * (deploy, drain, rollback) depend on this interface only, so they can be tested with a fake.
 */
export interface ManagerClient {
  /** The target's name for reports. */
  readonly name: string;
  /** The Manager base URL (no credentials). */
  readonly managerUrl: string;
  /** Where visitors reach Tomcat, for probes (`http://host:8080`, no trailing `/`). */
  readonly appUrl: string;
  /**
   * Runs a command on the target's own host over its SSH connection (`restart --exec-on-target`);
   * absent when the target is not reached through SSH.
   */
  readonly hostRunner?: CommandRunner | undefined;
  /** The apps: every context but the release lock's records (docs/lock.md), which no app view sees. */
  list(options?: { signal?: AbortSignal }): Promise<ContextEntry[]>;
  /**
   * Every context, the lock's records included, with the server's clock (the answer's `Date`
   * header): for the release lock only (lock/).
   */
  listAll(options?: { signal?: AbortSignal }): Promise<DatedList>;
  serverInfo(options?: { signal?: AbortSignal }): Promise<ServerInfo>;
  /** The idle-time histogram. Never sends `idle`: that would expire sessions. */
  sessions(ref: ContextRef): Promise<SessionInfo>;
  /**
   * The ids of a version's sessions, through the JMX proxy (role `manager-jmx`): what tells the
   * sessions that began before a drain from those begun since. Where the Manager cannot tell
   * (no role, no proxy), says why. The ids are secrets: never logged or shown.
   */
  sessionIds(ref: ContextRef): Promise<SessionIdsAnswer>;
  /** Expires the sessions idle for at least `idleMinutes` (0: all of them). */
  expire(ref: ContextRef & { idleMinutes: number }): Promise<SessionInfo>;
  /** Uploads and deploys; resolves with Tomcat's `OK - ...` message once the context has started. */
  deploy(request: DeployRequest): Promise<string>;
  /**
   * Deploys a WAR held in memory at an unversioned path, never with `update` (the lock's records:
   * an update would hide the context while it redeploys, docs/lock.md).
   */
  deployBytes(request: { path: string; war: Uint8Array; signal?: AbortSignal | undefined }): Promise<string>;
  undeploy(ref: ContextRef): Promise<string>;
  start(ref: ContextRef): Promise<string>;
  stop(ref: ContextRef): Promise<string>;
  reload(ref: ContextRef): Promise<string>;
  /**
   * What the status page knows of every context and the JVM (`/manager/status/all?JSON=true`):
   * per version its start time, session statistics, requests and errors. Much slower than `list`:
   * for `--metrics` and analysis windows, never for every command. Whether the server has it is
   * found out once; a Tomcat without it (before 8.5.96, 9.0.83, 10.1.16) throws a `UsageError`
   * (`E_USAGE`) naming the versions that have it, every time, without asking again.
   */
  serverMetrics(options?: { signal?: AbortSignal }): Promise<ServerMetrics>;
  /**
   * The context paths whose class loader outlived its context (undeployed, stopped or reloaded,
   * yet still in memory): Tomcat's `findleaks` with `statusLine=true` (docs/tomcat-manager.md#findleaks).
   * It **forces a full GC on the server** (`System.gc()` in StandardHost.findReloadedContextMemoryLeaks),
   * which stops every request for its duration (~20-70 ms on the test Tomcats' 256 MB heap, longer
   * on a big one): after an undeploy, never in a loop. Tomcat names paths only, no versions. A read:
   * retried after a transient failure (another GC, no harm).
   */
  findLeaks(options?: { signal?: AbortSignal }): Promise<FindLeaksAnswer>;
  /**
   * Visits `path` (`/shop/health`) under the app URL as a new visitor would: no credentials, no
   * cookies, no redirect followed, at most `maxBodyBytes` of the body. Rejects with a
   * `ConnectionError` when no answer came.
   */
  visit(path: string, options: VisitOptions): Promise<AppAnswer>;
}

/** A `list` with the server's clock at the time of the answer (`undefined`: no `Date` header came). */
export interface DatedList {
  entries: ContextEntry[];
  date: Date | undefined;
}

export interface VisitOptions {
  /** The whole exchange, from connecting to the last byte read. */
  timeoutMs: number;
  maxBodyBytes: number;
  /**
   * `OPTIONS` proves the app serves without running its pages: Jasper answers a JSP's OPTIONS
   * with 405 and makes no session, where a GET of a JSP at the root makes one that a drain would
   * then wait for (docs/balancers/README.md). @defaultValue 'GET'
   */
  method?: 'GET' | 'OPTIONS' | undefined;
  signal?: AbortSignal | undefined;
}

/** What the app answered a visit: the status, the start of the body, a redirect's target. */
export interface AppAnswer {
  status: number;
  body: string;
  location?: string;
}

export type ClientOptions = TransportOptions;

/** Creates the client of one Manager. The password stays inside the transport. */
export function createManagerClient(target: ManagerTarget, options: ClientOptions = {}): ManagerClient {
  const transport = new ManagerTransport(target, options);
  const run = async (command: 'undeploy' | 'start' | 'stop' | 'reload', ref: ContextRef) =>
    expectOk(await transport.command(command, contextParams(ref.path, ref.version), ref.signal), command)
      .message;
  // Whether the server has the status JSON: found out by the first call, kept for the client's life.
  let noStatusJson: NoStatusJsonError | undefined;
  const serverMetrics = async ({ signal }: { signal?: AbortSignal } = {}): Promise<ServerMetrics> => {
    if (noStatusJson !== undefined) throw noStatusJson;
    const answer = await transport.readStatusPage(signal);
    const page = parseStatusPage({
      status: answer.status,
      contentType: answer.contentType,
      body: answer.body,
    });
    if (page.kind === 'metrics') {
      const { contexts, ...rest } = page.metrics;
      return { ...rest, contexts: appsOnly(contexts) };
    }
    const info = await transport.read('serverinfo', {}, signal).then(parseServerInfo, () => undefined);
    noStatusJson = statusJsonMissing(transport.name, info?.tomcatVersion);
    throw noStatusJson;
  };
  return {
    name: transport.name,
    managerUrl: transport.managerUrl,
    appUrl: transport.appUrl,
    hostRunner: transport.hostRunner(),
    list: async ({ signal } = {}) => appsOnly(parseList(await transport.read('list', {}, signal))),
    listAll: async ({ signal } = {}) => {
      const { body, date } = await transport.readDated('list', {}, signal);
      return { entries: parseList(body), date };
    },
    serverInfo: async ({ signal } = {}) => parseServerInfo(await transport.read('serverinfo', {}, signal)),
    sessions: async (ref) =>
      parseSessions(await transport.read('sessions', contextParams(ref.path, ref.version), ref.signal)),
    sessionIds: createSessionIdsReader(transport),
    expire: async (ref) =>
      parseSessions(
        await transport.command(
          'expire',
          { ...contextParams(ref.path, ref.version), idle: String(ref.idleMinutes) },
          ref.signal,
        ),
        'expire',
      ),
    deploy: async (request) => {
      const { path, version, warFile, update, tag, ...uploadOptions } = request;
      const params = {
        ...contextParams(path, version),
        update: update ? 'true' : undefined,
        tag,
      };
      return expectOk(await transport.upload(params, warFile, uploadOptions), 'deploy').message;
    },
    deployBytes: async ({ path, war, signal }) =>
      expectOk(await transport.uploadBytes({ path }, war, signal), 'deploy').message,
    undeploy: (ref) => run('undeploy', ref),
    start: (ref) => run('start', ref),
    stop: (ref) => run('stop', ref),
    reload: (ref) => run('reload', ref),
    visit: (path, options) => transport.visit(path, options),
    serverMetrics,
    findLeaks: async ({ signal } = {}) =>
      parseFindLeaks(await transport.read('findleaks', { statusLine: 'true' }, signal), {
        statusLine: true,
      }),
  };
}

/** The apps of a list: the release lock's records left out (docs/lock.md). */
function appsOnly<T extends { path: string }>(contexts: T[]): T[] {
  return contexts.filter((context) => !isLockContextPath(context.path));
}

/** Which Tomcats have the status JSON (docs/tomcat-manager.md#status-json). */
export const STATUS_JSON_SINCE = '8.5.96, 9.0.83, 10.1.16 or 11.0.0';

function statusJsonMissing(target: string, tomcatVersion: string | undefined): NoStatusJsonError {
  const runs = tomcatVersion === undefined ? '' : ` (it runs ${tomcatVersion})`;
  return new NoStatusJsonError(
    `${target} has no status page in JSON${runs}: per-version metrics need Tomcat ${STATUS_JSON_SINCE} or later.`,
    {
      hint: 'Upgrade Tomcat, or leave out what needs the metrics; plain status, deploy and drain work without them.',
    },
  );
}
