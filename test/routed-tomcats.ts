import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManagerClient, deploy, type ManagerClient } from '@tomcat-pd/core';
import { buildBalancedWar, startHaproxy, type HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { Visitor } from '@tomcat-pd/testkit/visitor';

/** Two Tomcats behind a balancer in the tests: `web1` and `web2`, their names and jvmRoutes. */
export interface RoutedTomcats {
  readonly tomcats: readonly LocalTomcatInstance[];
  /** The app's path on both (`/shop`). */
  readonly path: string;
  /** A folder of the test's own (the WAR, config files), removed by `stop`. */
  readonly dir: string;
  /** The Manager client of a Tomcat (as the operator's own reads and expiries go). */
  client(tomcat: LocalTomcatInstance): ManagerClient;
  stop(): Promise<void>;
}

/**
 * Starts web1 and web2, or `count` of them (`<Engine jvmRoute>` set, so that their session ids end
 * with `.web1`, `.web2`), with an AJP connector too for mod_jk, and deploys the same WAR on each at `path`:
 * a page that makes a session, `health.txt` that makes none, `slow.jsp` for a request in flight.
 */
export async function startRoutedTomcats(options: {
  path: string;
  ajp?: boolean;
  /** The Manager user also has `manager-jmx` (session ids through the JMX proxy). */
  jmx?: boolean;
  /** How many: web1, web2, ... @defaultValue 2 */
  count?: number;
}): Promise<RoutedTomcats> {
  const label = options.path.slice(1);
  const routes = Array.from({ length: options.count ?? 2 }, (_, index) => `web${index + 1}`);
  const [tomcats, dir] = await Promise.all([
    Promise.all(
      routes.map((jvmRoute) =>
        startLocalTomcat({
          jvmRoute,
          ...(options.ajp ? { ajp: true } : {}),
          ...(options.jmx ? { jmx: true } : {}),
        }),
      ),
    ),
    mkdtemp(join(tmpdir(), `tomcat-pd-${label}-`)),
  ]);
  const client = (tomcat: LocalTomcatInstance) =>
    createManagerClient({ url: tomcat.managerUrl, user: tomcat.user, password: tomcat.password });
  const warFile = await buildBalancedWar(dir, label);
  await Promise.all(tomcats.map((tomcat) => deploy(client(tomcat), { path: options.path, warFile })));
  return {
    tomcats,
    path: options.path,
    dir,
    client,
    async stop() {
      await Promise.all(tomcats.map((tomcat) => tomcat.stop()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The jvmRoute of the Tomcat that holds a session id (`ID.web1` → `web1`). */
export const routeOf = (sessionId: string | undefined): string | undefined => sessionId?.split('.').pop();

/** A new visitor whose session the balancer at `baseUrl` placed on `route`: new ones until one lands there. */
export async function visitorOn(
  baseUrl: string,
  page: string,
  route: string,
): Promise<{ visitor: Visitor; sessionId: string }> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const visitor = new Visitor(baseUrl);
    const { sessionId } = await visitor.get(page);
    if (sessionId !== undefined && routeOf(sessionId) === route) return { visitor, sessionId };
  }
  throw new Error(`no new visitor reached ${route} in 10 tries`);
}

/** Where `count` new visitors' sessions land: their routes (or the status of an answer without one). */
export async function newVisitorRoutes(baseUrl: string, page: string, count: number): Promise<string[]> {
  const routes: string[] = [];
  for (let i = 0; i < count; i++) {
    const visit = await new Visitor(baseUrl).get(page);
    routes.push(routeOf(visit.sessionId) ?? `HTTP ${visit.status}`);
  }
  return routes;
}

/**
 * A real HAProxy in front of the two Tomcats: backend `tomcats`, a server per Tomcat named as its
 * jvmRoute, its health check on the app's `health.txt` (which makes no session).
 */
export function startHaproxyInFront(fleet: RoutedTomcats): Promise<HaproxyInstance> {
  return startHaproxy({
    backend: 'tomcats',
    checkPath: `${fleet.path}/health.txt`,
    servers: fleet.tomcats.map((tomcat, index) => ({
      name: `web${index + 1}`,
      port: Number(new URL(tomcat.baseUrl).port),
    })),
  });
}

/**
 * Writes the fleet's `tomcat-pd.json` in its folder, as the CLI tests run it: a target per Tomcat
 * (`web1`, `web2`, ...) whose password comes from `WEB1_PW`, ... ({@link fleetEnv}), `balancers`,
 * and the other keys of `more` (`hooks`, `auditLog`).
 */
export async function writeFleetConfig(
  fleet: RoutedTomcats,
  balancers: readonly unknown[],
  more: Record<string, unknown> = {},
): Promise<void> {
  await writeFile(
    join(fleet.dir, 'tomcat-pd.json'),
    JSON.stringify({
      targets: fleet.tomcats.map((tomcat, index) => ({
        name: `web${index + 1}`,
        url: tomcat.managerUrl,
        user: tomcat.user,
        passwordEnv: `WEB${index + 1}_PW`,
      })),
      balancers,
      ...more,
    }),
  );
}

/** The environment that gives the CLI the passwords {@link writeFleetConfig} names. */
export function fleetEnv(fleet: RoutedTomcats): Record<string, string> {
  return Object.fromEntries(fleet.tomcats.map((tomcat, index) => [`WEB${index + 1}_PW`, tomcat.password]));
}
