import { join } from 'node:path';
import { testWarEntries, writeZip } from './test-war.js';

/** Options of {@link buildLoadWar}. */
export interface LoadWarOptions {
  /** Printed by the visit page as `label=<label>`; letters, digits, `.`, `_`, `-` only. */
  readonly label: string;
  /** How long a session lives idle, in seconds: what `visit.jsp` gives each new session. */
  readonly sessionSeconds: number;
  /** The file name inside `dir`; default `<label>.war`. */
  readonly fileName?: string;
}

/**
 * A session of seconds, not the minutes web.xml allows, so that a drain under load ends in a
 * test's time; then the test WAR's own index.jsp prints the line `Visitor` parses
 * (`session=<id>.<jvmRoute>`: the session's node).
 */
const VISIT_JSP =
  '<%@ page contentType="text/plain; charset=UTF-8" trimDirectiveWhitespaces="true" %>\n' +
  '<% if (session.isNew()) session.setMaxInactiveInterval(Integer.parseInt(application.getInitParameter("sessionSeconds"))); %>\n' +
  '<jsp:include page="/index.jsp"/>\n';

/**
 * `node=<jvmRoute>` without a session: the Engine's jvmRoute, read once from its MBean, names the
 * Tomcat that answered a request that carries no session id to tell it by.
 */
const NODE_JSP =
  '<%@ page session="false" contentType="text/plain; charset=UTF-8" trimDirectiveWhitespaces="true" %>\n' +
  '<%! private volatile String node; %>\n' +
  '<% if (node == null) node = String.valueOf(java.lang.management.ManagementFactory.getPlatformMBeanServer()' +
  '.getAttribute(new javax.management.ObjectName("Catalina:type=Engine"), "jvmRoute")); %>\n' +
  'node=<%= node %>\n';

/**
 * The Manager sweeps expired sessions on every background tick (the harness's Engine ticks each
 * second) instead of every 6th, so that the Manager's session count, which a drain waits on,
 * drops within a second of a session's end.
 */
const CONTEXT_XML = '<Context>\n  <Manager processExpiresFrequency="1"/>\n</Context>\n';

/**
 * The WAR of the zero-downtime load (visitor-load.ts): `visit.jsp` opens a session of
 * `sessionSeconds` and prints it (`label=... version=... session=<id>.<jvmRoute>`),
 * `node.jsp` names its node without a session, `health.txt` is a balancer's health check (no
 * session). Returns its path.
 */
export async function buildLoadWar(dir: string, options: LoadWarOptions): Promise<string> {
  if (!(Number.isInteger(options.sessionSeconds) && options.sessionSeconds > 0))
    throw new Error(`sessionSeconds must be a whole number of seconds: ${options.sessionSeconds}`);
  const param = `  <context-param>\n    <param-name>sessionSeconds</param-name>\n    <param-value>${options.sessionSeconds}</param-value>\n  </context-param>\n`;
  const entries = testWarEntries(options.label, undefined, param);
  entries.push(
    { name: 'visit.jsp', data: Buffer.from(VISIT_JSP) },
    { name: 'node.jsp', data: Buffer.from(NODE_JSP) },
    { name: 'health.txt', data: Buffer.from('ok\n') },
    { name: 'META-INF/context.xml', data: Buffer.from(CONTEXT_XML) },
  );
  return writeZip(join(dir, options.fileName ?? `${options.label}.war`), entries);
}
