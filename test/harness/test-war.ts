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
async function writeZip(path: string, entries: ZipEntry[]): Promise<string> {
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

function testWarEntries(label: string, sessionTimeoutMinutes?: number): ZipEntry[] {
  checkLabel(label);
  const timeout =
    sessionTimeoutMinutes === undefined
      ? ''
      : `  <session-config>\n    <session-timeout>${sessionTimeoutMinutes}</session-timeout>\n  </session-config>\n`;
  const param = `  <context-param>\n    <param-name>label</param-name>\n    <param-value>${xmlAttr(label)}</param-value>\n  </context-param>\n`;
  return [
    { name: 'WEB-INF/web.xml', data: Buffer.from(webXml(param + timeout)) },
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
