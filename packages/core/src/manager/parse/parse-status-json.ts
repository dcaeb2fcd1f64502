/**
 * Parser of the Manager's status page in JSON, `/manager/status/all?JSON=true`
 * (docs/tomcat-manager.md#status-json; `StatusTransformer`, Tomcat 8.5.96+, 9.0.83+, 10.1.16+,
 * 11.0.0+). Pure functions.
 */
import type { ContextMetrics, MemoryPool, ServerMetrics, ServletMetrics } from './types.js';
import { parseJavaDate } from './java-date.js';
import { protocolError } from './parse-response.js';

/** What the status page answered: its metrics, or a page without JSON (a Tomcat before the JSON output). */
export type StatusPage = { kind: 'metrics'; metrics: ServerMetrics } | { kind: 'no-json' };

/** The answer of `status/all?JSON=true` as the transport got it. */
export interface StatusAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

type Json = Record<string, unknown>;

/**
 * Reads the status page's answer. An older Tomcat ignores `JSON=true` and sends its HTML page
 * (recorded on 9.0.70: `fixtures/status/status-all-9.0.70.html`), or has no such page (404):
 * both are `no-json`. A JSON answer of an unexpected shape is a protocol error.
 *
 * @throws TomcatPdError `E_PROTOCOL` on JSON that cannot be parsed or lacks what it must hold.
 */
export function parseStatusPage(answer: StatusAnswer): StatusPage {
  const json = /^application\/json\b/i.test(answer.contentType ?? '');
  if (answer.status === 404 || (answer.status === 200 && !json)) return { kind: 'no-json' };
  return { kind: 'metrics', metrics: parseStatusJson(answer.body) };
}

/** Parses the JSON body of `status/all?JSON=true` (recorded: `fixtures/status/status-all-10.1.json`). */
export function parseStatusJson(text: string): ServerMetrics {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw protocolError('The status page answered JSON that cannot be parsed', text.slice(0, 120));
  }
  const tomcat = objectAt(parsed, 'tomcat', 'the status page');
  const jvm = objectAt(tomcat, 'jvm', 'the status page');
  return {
    // `/status?JSON=true` (without `/all`) has no `context` list.
    contexts: listAt(tomcat, 'context', 'the status page').map(contextOf),
    memoryPools: listAt(jvm, 'memorypool', 'the JVM part').map(memoryPoolOf),
  };
}

function contextOf(value: unknown): ContextMetrics {
  const name = stringAt(value, 'name', 'a context');
  const where = `context ${name}`;
  const { host, path, version } = splitContextName(name);
  const manager = objectAt(value, 'manager', where);
  const servlets = listAt(value, 'wrapper', where).map((wrapper) => servletOf(wrapper, where));
  const state = stringAt(value, 'state', where);
  const startTime = stringAt(value, 'startTime', where);
  const sum = (key: 'requests' | 'errors' | 'processingTimeMs') =>
    servlets.reduce((total, servlet) => total + servlet[key], 0);
  return {
    name,
    host,
    path,
    version,
    state,
    startedAt: state === 'STARTED' ? parseJavaDate(startTime) : undefined,
    startTime,
    sessions: {
      active: numberAt(manager, 'activeSessions', where),
      created: numberAt(manager, 'sessionCounter', where),
      expired: numberAt(manager, 'expiredSessions', where),
      rejected: numberAt(manager, 'rejectedSessions', where),
      maxActive: numberAt(manager, 'maxActive', where),
      averageAliveSeconds: numberAt(manager, 'sessionAverageAliveTime', where),
      maxAliveSeconds: numberAt(manager, 'sessionMaxAliveTime', where),
    },
    requests: sum('requests'),
    errors: sum('errors'),
    processingTimeMs: sum('processingTimeMs'),
    servlets,
  };
}

function servletOf(value: unknown, where: string): ServletMetrics {
  const name = stringAt(value, 'servletName', `a servlet of ${where}`);
  const servlet = `servlet ${name} of ${where}`;
  return {
    name,
    requests: numberAt(value, 'requestCount', servlet),
    errors: numberAt(value, 'errorCount', servlet),
    processingTimeMs: numberAt(value, 'processingTime', servlet),
  };
}

function memoryPoolOf(value: unknown): MemoryPool {
  const name = stringAt(value, 'name', 'a memory pool');
  const where = `memory pool ${name}`;
  const max = numberAt(value, 'usageMax', where);
  return {
    name,
    type: stringAt(value, 'type', where),
    usedBytes: numberAt(value, 'usageUsed', where),
    maxBytes: max < 0 ? null : max,
  };
}

/**
 * `localhost/shop##002` → host `localhost`, path `/shop`, version `002`. ROOT is
 * `localhost/##001` (versioned) or `localhost/`; a nested path keeps its slashes
 * (`localhost/a/b##007`), unlike `list`'s docBase names (`a#b##007`).
 */
export function splitContextName(name: string): { host: string; path: string; version: string } {
  const slash = name.indexOf('/');
  if (slash <= 0) throw protocolError('A context name on the status page is not "host/path"', name);
  const [path = '', version = ''] = name.slice(slash).split('##');
  return { host: name.slice(0, slash), path: path === '/' ? '/' : path.replace(/\/$/, ''), version };
}

function objectAt(value: unknown, key: string, where: string): Json {
  const field = isObject(value) ? value[key] : undefined;
  if (!isObject(field)) throw missing(key, 'an object', where);
  return field;
}

function listAt(value: unknown, key: string, where: string): unknown[] {
  const field = isObject(value) ? value[key] : undefined;
  if (!Array.isArray(field)) throw missing(key, 'a list', where);
  return field;
}

function stringAt(value: unknown, key: string, where: string): string {
  const field = isObject(value) ? value[key] : undefined;
  if (typeof field !== 'string') throw missing(key, 'a text', where);
  return field;
}

function numberAt(value: unknown, key: string, where: string): number {
  const field = isObject(value) ? value[key] : undefined;
  if (typeof field !== 'number' || !Number.isFinite(field)) throw missing(key, 'a number', where);
  return field;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function missing(key: string, kind: string, where: string) {
  return protocolError(`The status page lacks ${kind} "${key}" in`, where);
}
