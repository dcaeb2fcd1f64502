import { expect } from 'vitest';
import { createManagerClient, getStatus, type ManagerClient } from '@tomcat-pd/core';
import { Visitor, type Visit } from '@tomcat-pd/testkit/visitor';

// Sessions are what parallel deployment is for: no operation may lose one unless the user asked
// for it (--expire-idle, a rollback of the newest version, --update). These helpers count them
// before and after an operation, and check that each session a test opened still reaches its
// version with the same id (the stronger check: a count could stay the same by chance).

/** `{ '001': 1, '002': 0 }`: the sessions of each version of `path`, from one `list`. */
export async function sessionsByVersion(
  client: ManagerClient,
  path: string,
): Promise<Record<string, number>> {
  const status = await getStatus(client, { path });
  return Object.fromEntries((status.apps[0]?.versions ?? []).map((v) => [v.version, v.sessions]));
}

/**
 * `{ '/app##001': 1, ... }`: the sessions of every version of every app but the Manager (whose
 * own sessions are not the tests' business), from one `list`: for drains of every app.
 */
export async function sessionsOfAllApps(client: ManagerClient): Promise<Record<string, number>> {
  const status = await getStatus(client);
  return Object.fromEntries(
    status.apps
      .filter((app) => app.path !== '/manager')
      .flatMap((app) => app.versions.map((v) => [`${app.path}##${v.version}`, v.sessions])),
  );
}

/** {@link sessionsByVersion} of `path` on each of several Tomcats, by name. */
export async function sessionsOnEach<Name extends string>(
  clients: Readonly<Record<Name, ManagerClient>>,
  path: string,
): Promise<Record<Name, Record<string, number>>> {
  const names = Object.keys(clients) as Name[];
  const counts = await Promise.all(names.map((name) => sessionsByVersion(clients[name], path)));
  return Object.fromEntries(names.map((name, i) => [name, counts[i]])) as Record<
    Name,
    Record<string, number>
  >;
}

/**
 * How the count of each version changed from `before` to `after`, only the versions whose count
 * changed: `{ '001': -1 }` when 001 lost its one session (also when 001 is gone). A version that
 * is gone counts as 0 sessions: an operation that removed a version with sessions lost them.
 */
export function sessionChanges(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): Record<string, number> {
  const changes: Record<string, number> = {};
  for (const version of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const delta = (after[version] ?? 0) - (before[version] ?? 0);
    if (delta !== 0) changes[version] = delta;
  }
  return changes;
}

/** The sessions lost from `before` to `after` (the sum of the negative changes). */
export function sessionsLost(
  before: Readonly<Record<string, number>>,
  after: Readonly<Record<string, number>>,
): number {
  return Object.values(sessionChanges(before, after)).reduce((sum, delta) => sum + Math.max(0, -delta), 0);
}

/** {@link sessionChanges} on each Tomcat, only those where something changed. */
export function sessionChangesOnEach<Name extends string>(
  before: Readonly<Record<Name, Record<string, number>>>,
  after: Readonly<Record<Name, Record<string, number>>>,
): Partial<Record<Name, Record<string, number>>> {
  const changes: Partial<Record<Name, Record<string, number>>> = {};
  for (const name of Object.keys(before) as Name[]) {
    const delta = sessionChanges(before[name], after[name] ?? {});
    if (Object.keys(delta).length > 0) changes[name] = delta;
  }
  return changes;
}

/** A browser holding one session on one version of one path. */
export interface SessionHolder {
  readonly visitor: Visitor;
  readonly path: string;
  /** The version that answered when the session was opened. */
  readonly version: string;
  readonly sessionId: string;
  /** A name for failure messages, e.g. `web2 /rb##002`. */
  readonly name: string;
}

/**
 * A new browser visits `path` (e.g. `/app`) on `baseUrl` and so opens a session on the version
 * that is live there; with `expectedVersion`, checks that this one answered.
 */
export async function openSession(
  baseUrl: string,
  path: string,
  expectedVersion?: string,
  where = '',
): Promise<SessionHolder> {
  const visitor = new Visitor(baseUrl);
  const holder = heldBy(visitor, path, await visitor.get(pageOf(path)), where);
  if (expectedVersion !== undefined) {
    expect(holder.version, `the version live on ${where ? `${where} ` : ''}${path}`).toBe(expectedVersion);
  }
  return holder;
}

/** The session a visitor opened with `visit` (its visit of `path`), as a holder to check later. */
export function heldBy(visitor: Visitor, path: string, visit: Visit, where = ''): SessionHolder {
  const { version, sessionId } = visit;
  if (visit.status !== 200 || version === undefined || sessionId === undefined) {
    throw new Error(
      `no session opened on ${where ? `${where} ` : ''}${path}: HTTP ${visit.status}\n${visit.body}`,
    );
  }
  return { visitor, path, version, sessionId, name: `${where ? `${where} ` : ''}${path}##${version}` };
}

/** `count` sessions on the version of `path` that is live, each in its own browser. */
export async function openSessions(
  baseUrl: string,
  path: string,
  count: number,
  expectedVersion?: string,
  where = '',
): Promise<SessionHolder[]> {
  const holders: SessionHolder[] = [];
  for (let i = 0; i < count; i += 1) holders.push(await openSession(baseUrl, path, expectedVersion, where));
  return holders;
}

/** Every holder reaches its version again, with the same session id (its session was kept). */
export async function expectSessionsKept(holders: readonly SessionHolder[]): Promise<void> {
  for (const holder of holders) {
    const visit = await holder.visitor.get(pageOf(holder.path));
    expect(
      { version: visit.version, sessionId: visit.sessionId },
      `the session of ${holder.name} must be kept`,
    ).toEqual({ version: holder.version, sessionId: holder.sessionId });
  }
}

/**
 * Every holder's session is gone: its cookie now reaches `nowVersion` with a new session id.
 * This visit opens that new session, so count before calling it.
 */
export async function expectSessionsLost(
  holders: readonly SessionHolder[],
  nowVersion: string,
): Promise<void> {
  for (const holder of holders) {
    const visit = await holder.visitor.get(pageOf(holder.path));
    expect(visit.version, `the cookie of ${holder.name} now reaches`).toBe(nowVersion);
    expect(visit.sessionId, `the session of ${holder.name} must be gone`).not.toBe(holder.sessionId);
  }
}

/** A manager-script client of a test Tomcat (for counting in CLI tests). */
export function clientOf(tomcat: { managerUrl: string; user: string; password: string }): ManagerClient {
  return createManagerClient({ url: tomcat.managerUrl, user: tomcat.user, password: tomcat.password });
}

/** `/app` → `/app/` (the test WAR's page); `/` stays. */
function pageOf(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}
