import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { chosenLine, xmlAttr } from './tomcat-instance.js';
import type { TomcatLine } from './tomcat-instance.js';

/** Options of `buildTestWar`. */
export interface TestWarOptions {
  /** Printed by index.jsp as `label=<label>`; letters, digits, `.`, `_`, `-` only. */
  label: string;
  /** `<session-timeout>` in minutes (web.xml); Tomcat's default (30) when absent. */
  sessionTimeoutMinutes?: number;
  /** The file name inside `dir`; default `<label>.war`. */
  fileName?: string;
}

/** `<web-app>` for each line: Jakarta Servlet 6.0 for 10.1, javax Servlet 4.0 for 9.0. */
const WEB_APP_OPEN: Readonly<Record<TomcatLine, string>> = {
  '10.1':
    '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"\n' +
    '         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n' +
    '         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"\n' +
    '         version="6.0">',
  '9.0':
    '<web-app xmlns="http://xmlns.jcp.org/xml/ns/javaee"\n' +
    '         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n' +
    '         xsi:schemaLocation="http://xmlns.jcp.org/xml/ns/javaee http://xmlns.jcp.org/xml/ns/javaee/web-app_4_0.xsd"\n' +
    '         version="4.0">',
};

/**
 * The page every test WAR serves at `/`: one line, parsed by `Visitor`. The label comes from a
 * context-param so that it never has to be escaped as Java source. A JSP creates a session by
 * default, so every visit without a cookie opens one.
 */
const INDEX_JSP =
  '<%@ page contentType="text/plain; charset=UTF-8" trimDirectiveWhitespaces="true" %>\n' +
  'label=<%= application.getInitParameter("label") %>' +
  ' version=<%= application.getAttribute("org.apache.catalina.webappVersion") %>' +
  ' session=<%= session.getId() %>\n';

/**
 * The web.xml for the line the tests run against (env TOMCAT_PD_TEST_LINE, as `startTomcat`
 * reads it): Jakarta Servlet 6.0 for 10.1, javax Servlet 4.0 for 9.0 (Tomcat 9 rejects a 6.0
 * descriptor). `body` goes inside `<web-app>`; index.jsp is the same for both.
 */
function webXml(body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${WEB_APP_OPEN[chosenLine()]}\n${body}</web-app>\n`;
}

interface ZipEntry {
  name: string;
  data: Buffer;
  /** STORE instead of deflate. */
  store?: boolean;
}

/** Writes a zip with the given entries. */
export async function writeZip(path: string, entries: ZipEntry[]): Promise<string> {
  const zip = new ZipFile();
  for (const entry of entries) zip.addBuffer(entry.data, entry.name, { compress: entry.store !== true });
  zip.end();
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await finished(out);
  return path;
}

function checkLabel(label: string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(label))
    throw new Error(`test WAR label must match [A-Za-z0-9._-]+: ${label}`);
}

/** index.jsp and a web.xml with the label, the session time-out and `extra` (more elements of `<web-app>`). */
export function testWarEntries(label: string, sessionTimeoutMinutes?: number, extra = ''): ZipEntry[] {
  checkLabel(label);
  const timeout =
    sessionTimeoutMinutes === undefined
      ? ''
      : `  <session-config>\n    <session-timeout>${sessionTimeoutMinutes}</session-timeout>\n  </session-config>\n`;
  const param = `  <context-param>\n    <param-name>label</param-name>\n    <param-value>${xmlAttr(label)}</param-value>\n  </context-param>\n`;
  return [
    { name: 'WEB-INF/web.xml', data: Buffer.from(webXml(param + extra + timeout)) },
    { name: 'index.jsp', data: Buffer.from(INDEX_JSP) },
  ];
}

/**
 * Builds a WAR whose `index.jsp` prints `label=<label> version=<webappVersion> session=<id>`
 * (the version is Tomcat's ServletContext attribute `org.apache.catalina.webappVersion`, empty
 * for an unversioned context). Returns the WAR's path.
 */
export async function buildTestWar(dir: string, options: TestWarOptions): Promise<string> {
  const entries = testWarEntries(options.label, options.sessionTimeoutMinutes);
  return writeZip(join(dir, options.fileName ?? `${options.label}.war`), entries);
}

/** A `.war` of random bytes: not a zip at all. Returns its path. */
export async function buildCorruptWar(dir: string, fileName = 'corrupt.war'): Promise<string> {
  const path = join(dir, fileName);
  await writeFile(path, randomBytes(4096));
  return path;
}

/**
 * A valid WAR whose web.xml names a listener class that does not exist, so Tomcat deploys it but
 * the context fails to start. Returns its path.
 */
export async function buildFailingWar(dir: string, label: string): Promise<string> {
  checkLabel(label);
  const listener =
    '  <listener>\n    <listener-class>pd.test.NoSuchListener</listener-class>\n  </listener>\n';
  const entries: ZipEntry[] = [
    { name: 'WEB-INF/web.xml', data: Buffer.from(webXml(listener)) },
    { name: 'index.jsp', data: Buffer.from(INDEX_JSP) },
  ];
  return writeZip(join(dir, `${label}-failing.war`), entries);
}

/**
 * A working test WAR (label `large`) of about `sizeBytes`: the test app plus a padding file of
 * random (incompressible) bytes, STOREd, for upload and progress tests. Returns its path.
 */
export async function buildLargeWar(dir: string, sizeBytes: number, label = 'large'): Promise<string> {
  const entries = testWarEntries(label);
  // ~200 bytes of zip headers per entry and the central directory besides the payload.
  const padding = Math.max(0, sizeBytes - 1_024);
  entries.push({ name: 'padding.bin', data: randomBytes(padding), store: true });
  return writeZip(join(dir, `${label}-${sizeBytes}.war`), entries);
}

/**
 * How the `/health` endpoint of {@link buildHealthWar} answers:
 * - `ok`: 200 `healthy <label>`;
 * - `error`: 500 `broken: missing JDBC driver`;
 * - `hang`: answers nothing for 120 s (then 200), so that a probe has to time out; when its
 *   context is undeployed meanwhile it wakes up and answers 503 `stopped while hanging`, so that
 *   no request thread outlives the test and a late answer never looks healthy;
 * - `wrong-text`: 200 `status: degraded` (a 200 without the word `healthy`: it must fail
 *   `--expect healthy`; a body `unhealthy` would contain `healthy` and pass);
 * - `ready-after`: 503 `starting` until `readyAfterMs` after the first health request reached
 *   this version (this context), then 200 `healthy <label>`: an app that warms up;
 * - `fail-on-real-path`: 200 `healthy <label>` when the request's context path contains
 *   `-smoke-` (a smoke context, `/app-smoke-1a2b`), else 500 `broken: no configuration for
 *   <context path>`.
 *
 * Why an app can pass under the smoke path and fail under the real one: an app is often
 * configured by the name of its context, not by its WAR. A `<Resource>` (JNDI DataSource) in
 * `conf/Catalina/localhost/shop.xml` exists only for the context named `shop`; a properties file
 * or a Spring profile chosen by the context path (`/etc/shop/${contextPath}.properties`); a
 * servlet filter or a security constraint configured for the real path; a reverse-proxy rule
 * that rewrites only `/shop`; a cache or a lock file shared with the running version under the
 * real name. A smoke test proves the WAR, a probe of the real path proves the deployment:
 * `fail-on-real-path` is the case where only the second one can catch it.
 */
export type HealthMode = 'ok' | 'error' | 'hang' | 'wrong-text' | 'ready-after' | 'fail-on-real-path';

/** Options of {@link buildHealthWar}. */
export interface HealthWarOptions extends TestWarOptions {
  /** How `/health` answers. */
  health: HealthMode;
  /** `ready-after` only: how long after the first health request it starts to answer 200; default 3000. */
  readyAfterMs?: number;
  /**
   * Ports (a Tomcat's HTTP port) on which `/health` answers 500 `broken: missing JDBC driver on
   * this server`, whatever the mode: the same WAR on every server of a fleet, broken on some of
   * them, as when one server lacks the driver jar in its `lib/` or has its own DataSource wrong.
   * The port is the request's server port (the `Host` header's), which tells the servers apart.
   */
  brokenOnPorts?: readonly number[];
}

/**
 * The health endpoint, mapped to `/health` in web.xml (a `<jsp-file>` servlet: no Java class, so
 * the same WAR works on Tomcat 9 and 10). `session="false"`: a probe must not open sessions, and
 * this page could not open one if it tried (it has no `session` object). The mode and the delay
 * are context-params, so the JSP is the same in every WAR.
 */
const HEALTH_JSP =
  '<%@ page session="false" contentType="text/plain; charset=UTF-8" trimDirectiveWhitespaces="true" %>\n' +
  '<%!\n' +
  '  private final Object gate = new Object();\n' +
  '  private volatile boolean destroyed = false;\n' +
  '  public void jspDestroy() {\n' +
  '    destroyed = true;\n' +
  '    synchronized (gate) { gate.notifyAll(); }\n' +
  '  }\n' +
  '%>\n' +
  '<%\n' +
  '  String mode = application.getInitParameter("health");\n' +
  '  String label = application.getInitParameter("label");\n' +
  '  String contextPath = request.getContextPath();\n' +
  '  int status = 200;\n' +
  '  String text = "healthy " + label;\n' +
  '  String brokenOn = "," + application.getInitParameter("brokenOnPorts") + ",";\n' +
  '  if (brokenOn.indexOf("," + request.getServerPort() + ",") >= 0) {\n' +
  '    status = 500;\n' +
  '    text = "broken: missing JDBC driver on this server";\n' +
  '  } else if ("error".equals(mode)) {\n' +
  '    status = 500;\n' +
  '    text = "broken: missing JDBC driver";\n' +
  '  } else if ("wrong-text".equals(mode)) {\n' +
  '    text = "status: degraded";\n' +
  '  } else if ("fail-on-real-path".equals(mode)) {\n' +
  '    if (contextPath.indexOf("-smoke-") < 0) {\n' +
  '      status = 500;\n' +
  '      text = "broken: no configuration for " + contextPath;\n' +
  '    }\n' +
  '  } else if ("ready-after".equals(mode)) {\n' +
  '    long readyAfter = Long.parseLong(application.getInitParameter("readyAfterMs"));\n' +
  '    long now = System.currentTimeMillis();\n' +
  '    Long first;\n' +
  '    synchronized (application) {\n' +
  '      first = (Long) application.getAttribute("pd.health.first");\n' +
  '      if (first == null) {\n' +
  '        first = Long.valueOf(now);\n' +
  '        application.setAttribute("pd.health.first", first);\n' +
  '      }\n' +
  '    }\n' +
  '    long left = first.longValue() + readyAfter - now;\n' +
  '    if (left > 0) {\n' +
  '      status = 503;\n' +
  '      text = "starting: ready in " + left + " ms";\n' +
  '      response.setHeader("Retry-After", "1");\n' +
  '    }\n' +
  '  } else if ("hang".equals(mode)) {\n' +
  '    long end = System.currentTimeMillis() + 120000L;\n' +
  '    synchronized (gate) {\n' +
  '      long left = end - System.currentTimeMillis();\n' +
  '      while (!destroyed && left > 0) {\n' +
  '        try { gate.wait(left); } catch (InterruptedException e) { break; }\n' +
  '        left = end - System.currentTimeMillis();\n' +
  '      }\n' +
  '    }\n' +
  '    if (destroyed) {\n' +
  '      status = 503;\n' +
  '      text = "stopped while hanging";\n' +
  '    }\n' +
  '  }\n' +
  '  response.setStatus(status);\n' +
  '%>\n' +
  '<%= text %>\n';

/**
 * Builds a WAR with the test app's `index.jsp` (which opens a session, as visitors do) and a
 * health endpoint at `/health` that answers as `health` says (see {@link HealthMode}), without
 * ever opening a session. Returns its path (`<label>-<health>.war` in `dir` by default).
 *
 * @example
 * const war = await buildHealthWar(warDir, { label: 'two', health: 'error' });
 * // GET /app/health → 500 "broken: missing JDBC driver"; GET /app/ → "label=two version=002 ..."
 */
export async function buildHealthWar(dir: string, options: HealthWarOptions): Promise<string> {
  const { label, health } = options;
  const readyAfterMs = options.readyAfterMs ?? 3_000;
  if (!Number.isSafeInteger(readyAfterMs) || readyAfterMs < 0)
    throw new Error(`readyAfterMs must be a whole number of milliseconds: ${readyAfterMs}`);
  const brokenOnPorts = options.brokenOnPorts ?? [];
  if (!brokenOnPorts.every((port) => Number.isInteger(port) && port > 0 && port < 65_536))
    throw new Error(`brokenOnPorts must be TCP ports: ${brokenOnPorts.join(', ')}`);
  const params =
    `  <context-param>\n    <param-name>health</param-name>\n    <param-value>${health}</param-value>\n  </context-param>\n` +
    `  <context-param>\n    <param-name>readyAfterMs</param-name>\n    <param-value>${readyAfterMs}</param-value>\n  </context-param>\n` +
    `  <context-param>\n    <param-name>brokenOnPorts</param-name>\n    <param-value>${brokenOnPorts.join(',')}</param-value>\n  </context-param>\n`;
  const servlet =
    '  <servlet>\n    <servlet-name>health</servlet-name>\n    <jsp-file>/health.jsp</jsp-file>\n  </servlet>\n' +
    '  <servlet-mapping>\n    <servlet-name>health</servlet-name>\n    <url-pattern>/health</url-pattern>\n  </servlet-mapping>\n';
  const entries = testWarEntries(label, options.sessionTimeoutMinutes, params + servlet);
  entries.push({ name: 'health.jsp', data: Buffer.from(HEALTH_JSP) });
  // A hanging request holds the undeploy for the Context's unloadDelay (2 s by default) before
  // the JSP is destroyed and wakes up: a short one keeps the tests fast, and changes nothing else.
  if (health === 'hang')
    entries.push({ name: 'META-INF/context.xml', data: Buffer.from('<Context unloadDelay="200"/>\n') });
  return writeZip(join(dir, options.fileName ?? `${label}-${health}.war`), entries);
}

/** Options of {@link buildFlakyWar}. */
export interface FlakyWarOptions extends TestWarOptions {
  /**
   * `/work` throws on every `failEvery`-th request it serves (the 2nd, 4th, ... for 2), counted
   * from the context's start; `0` never throws.
   */
  failEvery: number;
  /**
   * Ports (a Tomcat's HTTP port, the request's server port) on which `/work` throws as
   * `failEvery` says; on every other port it never throws. Absent: it throws on every server.
   * The same WAR on every server of a fleet, failing on some: as when one server's database
   * pool is too small and every other call times out there.
   */
  failOnPorts?: readonly number[];
}

/**
 * The work endpoint, mapped to `/work` in web.xml (a `<jsp-file>` servlet, like the health one:
 * the same WAR works on Tomcat 9 and 10; the counter's class is written out, no import).
 * `session="false"`: traffic to it opens no session, yet a visitor's cookie still takes it to
 * its version. The failure is an uncaught exception, not a status the page sets: Tomcat's status
 * page counts only exceptions and `sendError` as a servlet's errors (`setStatus(500)` adds none),
 * and the 500 is Tomcat's own error page.
 */
const WORK_JSP =
  '<%@ page session="false" contentType="text/plain; charset=UTF-8" trimDirectiveWhitespaces="true" %>\n' +
  '<%!\n' +
  '  private final java.util.concurrent.atomic.AtomicInteger served =\n' +
  '      new java.util.concurrent.atomic.AtomicInteger();\n' +
  '%>\n' +
  '<%\n' +
  '  int failEvery = Integer.parseInt(application.getInitParameter("failEvery"));\n' +
  '  String failOn = application.getInitParameter("failOnPorts");\n' +
  '  boolean failsHere = failOn == null || failOn.isEmpty()\n' +
  '      || ("," + failOn + ",").indexOf("," + request.getServerPort() + ",") >= 0;\n' +
  '  int n = served.incrementAndGet();\n' +
  '  if (failsHere && failEvery > 0 && n % failEvery == 0) {\n' +
  '    throw new IllegalStateException("flaky: request " + n + " of this version fails");\n' +
  '  }\n' +
  '%>\n' +
  'worked <%= application.getInitParameter("label") %>\n';

/**
 * Builds a WAR with the test app's `index.jsp` (which opens a session, as visitors do) and a
 * page at `/work` that answers 200 `worked <label>`, but throws an uncaught exception (HTTP 500,
 * one error in Tomcat's status page) on every `failEvery`-th request it serves: a release whose
 * share of failures a canary analysis must see. Returns its path (`<label>-flaky<failEvery>.war`
 * in `dir` by default).
 *
 * @example
 * const war = await buildFlakyWar(warDir, { label: 'two', failEvery: 2 });
 * // GET /app/work → 200 "worked two", 500, 200, 500, ...; GET /app/ → "label=two version=002 ..."
 */
export async function buildFlakyWar(dir: string, options: FlakyWarOptions): Promise<string> {
  const { label, failEvery } = options;
  if (!Number.isSafeInteger(failEvery) || failEvery < 0)
    throw new Error(`failEvery must be a whole number, 0 for never: ${failEvery}`);
  const failOnPorts = options.failOnPorts ?? [];
  if (!failOnPorts.every((port) => Number.isInteger(port) && port > 0 && port < 65_536))
    throw new Error(`failOnPorts must be TCP ports: ${failOnPorts.join(', ')}`);
  if (options.failOnPorts !== undefined && failOnPorts.length === 0)
    throw new Error('failOnPorts must name at least one port (leave it out to fail everywhere)');
  const params =
    `  <context-param>\n    <param-name>failEvery</param-name>\n    <param-value>${failEvery}</param-value>\n  </context-param>\n` +
    `  <context-param>\n    <param-name>failOnPorts</param-name>\n    <param-value>${failOnPorts.join(',')}</param-value>\n  </context-param>\n`;
  const servlet =
    '  <servlet>\n    <servlet-name>work</servlet-name>\n    <jsp-file>/work.jsp</jsp-file>\n  </servlet>\n' +
    '  <servlet-mapping>\n    <servlet-name>work</servlet-name>\n    <url-pattern>/work</url-pattern>\n  </servlet-mapping>\n';
  const entries = testWarEntries(label, options.sessionTimeoutMinutes, params + servlet);
  entries.push({ name: 'work.jsp', data: Buffer.from(WORK_JSP) });
  return writeZip(join(dir, options.fileName ?? `${label}-flaky${failEvery}.war`), entries);
}
