/**
 * WARs for the checklist (checkWar, docs/war-check.md): a realistic clean one, and one per
 * finding that differs from the clean one in that single respect. The Java classes are real,
 * compiled by javac against Tomcat 10.1's Servlet API (once per test process).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { compileJava, SERVLET_API_JAR, type ClassFile } from './java-compile.js';

/** The Java sources every case draws from, by their path under the source root. */
const SOURCES: Readonly<Record<string, string>> = {
  'com/acme/shop/HelloServlet.java': `package com.acme.shop;
import java.io.IOException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
public class HelloServlet extends HttpServlet {
  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    HttpSession session = request.getSession();
    Integer visits = (Integer) session.getAttribute("visits");
    session.setAttribute("visits", visits == null ? 1 : visits + 1);
    response.setContentType("text/plain");
    response.getWriter().println("hello " + com.acme.util.Money.format(1999) + " visits=" + session.getAttribute("visits"));
  }
}
`,
  'com/acme/shop/TimingFilter.java': `package com.acme.shop;
import java.io.IOException;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
public class TimingFilter implements Filter {
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    long started = System.nanoTime();
    try {
      chain.doFilter(request, response);
    } finally {
      request.getServletContext().log("took " + (System.nanoTime() - started) / 1000 + " us");
    }
  }
}
`,
  'com/acme/shop/LinkServlet.java': `package com.acme.shop;
import java.io.IOException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
public class LinkServlet extends HttpServlet {
  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    request.getSession();
    response.setContentType("text/html");
    response.getWriter().println("<a href=\\"" + response.encodeURL(request.getContextPath() + "/cart") + "\\">cart</a>");
  }
}
`,
  'com/acme/shop/AdminConsole.java': `package com.acme.shop;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
public class AdminConsole {
  public static ServerSocketChannel listen(int port) throws java.io.IOException {
    return ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", port));
  }
}
`,
  'com/acme/util/Money.java': `package com.acme.util;
import java.math.BigDecimal;
public final class Money {
  private Money() {}
  public static String format(long cents) {
    return BigDecimal.valueOf(cents, 2).toPlainString() + " EUR";
  }
}
`,
  'com/acme/util/Ping.java': `package com.acme.util;
import java.net.InetSocketAddress;
import java.net.Socket;
/** A client socket: connecting out is no listening port. */
public final class Ping {
  private Ping() {}
  public static boolean reachable(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), 500);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
`,
  'com/acme/chat/ChatServer.java': `package com.acme.chat;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
public class ChatServer implements Runnable {
  private final ServerSocket socket;
  public ChatServer(int port) throws IOException {
    socket = new ServerSocket(port);
  }
  @Override
  public void run() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        client.getOutputStream().write("hello\\n".getBytes());
      } catch (IOException e) {
        return;
      }
    }
  }
}
`,
  'com/acme/jdbc/AcmeDriver.java': `package com.acme.jdbc;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
public class AcmeDriver implements Driver {
  static {
    try {
      java.sql.DriverManager.registerDriver(new AcmeDriver());
    } catch (SQLException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  public Connection connect(String url, Properties info) throws SQLException { return null; }
  public boolean acceptsURL(String url) { return url.startsWith("jdbc:acme:"); }
  public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) { return new DriverPropertyInfo[0]; }
  public int getMajorVersion() { return 1; }
  public int getMinorVersion() { return 0; }
  public boolean jdbcCompliant() { return false; }
  public Logger getParentLogger() throws SQLFeatureNotSupportedException { throw new SQLFeatureNotSupportedException(); }
}
`,
  // A stand-in with Quartz's package: the check knows a library by its package, not by its jar's name.
  'org/quartz/core/QuartzScheduler.java': `package org.quartz.core;
public class QuartzScheduler {
  private final Thread thread = new Thread(() -> {}, "QuartzScheduler_Worker-1");
  public void start() { thread.start(); }
}
`,
};

let compiled: Promise<ClassFile[]> | undefined;

/** Every class of {@link SOURCES}, compiled once per process. */
function classes(): Promise<ClassFile[]> {
  compiled ??= compileJava({ sources: SOURCES, classpath: [SERVLET_API_JAR['10.1']] });
  return compiled;
}

/** The class files (inner classes included) of the given source files. */
async function classesOf(...sources: string[]): Promise<ClassFile[]> {
  const all = await classes();
  const stems = sources.map((source) => source.replace(/\.java$/, ''));
  return all.filter((file) =>
    stems.some((stem) => file.name === `${stem}.class` || file.name.startsWith(`${stem}$`)),
  );
}

interface ZipEntry {
  name: string;
  data: Buffer;
  /** STORE instead of deflate. */
  store?: boolean;
}

/** An entry of {@link writeZipFile}: bytes, a stream made when the writer gets to it, or a file. */
export type ZipSource = { name: string; store?: boolean } & (
  { data: Buffer } | { stream: () => Readable } | { file: string }
);

function zipOf(entries: Iterable<ZipSource>): ZipFile {
  const zip = new ZipFile();
  for (const entry of entries) {
    const options = { compress: entry.store !== true };
    if ('data' in entry) zip.addBuffer(entry.data, entry.name, options);
    else if ('stream' in entry) zip.addReadStream(entry.stream(), entry.name, options);
    else zip.addFile(entry.file, entry.name, options);
  }
  zip.end();
  return zip;
}

function zipBuffer(entries: readonly ZipEntry[]): Promise<Buffer> {
  const zip = zipOf(entries);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/**
 * Writes a zip to `path`, streaming: the benchmark's WARs of hundreds of MB are never held in
 * memory (a stream entry is read only when the writer reaches it). Returns `path`.
 */
export async function writeZipFile(path: string, entries: Iterable<ZipSource>): Promise<string> {
  const zip = zipOf(entries);
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await finished(out);
  return path;
}

const MANIFEST = Buffer.from('Manifest-Version: 1.0\r\nCreated-By: tomcat-pd tests\r\n\r\n');

/** A jar in WEB-INF/lib: classes compiled from `sources`, other files, and random padding before the classes. */
export interface JarSpec {
  /** The file name in WEB-INF/lib. */
  name: string;
  sources?: readonly string[];
  files?: Readonly<Record<string, string | Buffer>>;
  /** Bytes of random (incompressible) data, STOREd before the classes, to make the jar this much larger. */
  paddingBytes?: number;
}

async function jarBuffer(spec: JarSpec): Promise<Buffer> {
  const entries: ZipEntry[] = [{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }];
  if (spec.paddingBytes !== undefined)
    entries.push({ name: 'assets/padding.bin', data: randomBytes(spec.paddingBytes), store: true });
  for (const [name, data] of Object.entries(spec.files ?? {}))
    entries.push({ name, data: typeof data === 'string' ? Buffer.from(data) : data });
  for (const file of await classesOf(...(spec.sources ?? [])))
    entries.push({ name: file.name, data: file.data });
  return zipBuffer(entries);
}

/** How a WAR differs from the clean one. */
export interface CheckWarSpec {
  /** Elements of `<session-config>` in web.xml besides the session time-out. */
  sessionConfig?: string;
  /** META-INF/context.xml; default a harmless one. */
  contextXml?: string;
  /** WEB-INF/classes/log4j2.xml; default one that writes to a file per version. */
  log4j2Xml?: string;
  /** More sources compiled into WEB-INF/classes (paths of {@link SOURCES}). */
  classes?: readonly string[];
  /** More jars in WEB-INF/lib. */
  jars?: readonly JarSpec[];
}

const DEFAULT_SESSION_CONFIG =
  '    <cookie-config>\n      <http-only>true</http-only>\n    </cookie-config>\n    <tracking-mode>COOKIE</tracking-mode>\n';

function webXml(sessionConfig: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="https://jakarta.ee/xml/ns/jakartaee https://jakarta.ee/xml/ns/jakartaee/web-app_6_0.xsd"
         version="6.0">
  <display-name>Acme shop</display-name>
  <filter>
    <filter-name>timing</filter-name>
    <filter-class>com.acme.shop.TimingFilter</filter-class>
  </filter>
  <filter-mapping>
    <filter-name>timing</filter-name>
    <url-pattern>/*</url-pattern>
  </filter-mapping>
  <servlet>
    <servlet-name>hello</servlet-name>
    <servlet-class>com.acme.shop.HelloServlet</servlet-class>
  </servlet>
  <servlet-mapping>
    <servlet-name>hello</servlet-name>
    <url-pattern>/hello</url-pattern>
  </servlet-mapping>
  <session-config>
    <session-timeout>30</session-timeout>
${sessionConfig}  </session-config>
</web-app>
`;
}

const PER_VERSION = '${web:attr.org.apache.catalina.webappVersion}';

/** Log4j 2 writing to a file per version (the fix docs/war-check.md names), and to the console. */
export const PER_VERSION_LOG4J2_XML = `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Properties>
    <Property name="logDir">\${sys:catalina.base}/logs</Property>
  </Properties>
  <Appenders>
    <Console name="console" target="SYSTEM_OUT">
      <PatternLayout pattern="%d %-5level %logger - %msg%n"/>
    </Console>
    <RollingFile name="file" fileName="\${logDir}/shop-${PER_VERSION}.log"
                 filePattern="\${logDir}/shop-${PER_VERSION}-%d{yyyy-MM-dd}.log.gz">
      <PatternLayout pattern="%d %-5level %logger - %msg%n"/>
      <Policies><TimeBasedTriggeringPolicy/></Policies>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="info"><AppenderRef ref="console"/><AppenderRef ref="file"/></Root>
  </Loggers>
</Configuration>
`;

const CLEAN_CONTEXT_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Context reloadable="false">\n  <Manager pathname=""/>\n</Context>\n';

const INDEX_JSP =
  '<%@ page contentType="text/html; charset=UTF-8" %>\n<html><body><p>Welcome, visit <%= session.getAttribute("visits") %>.</p></body></html>\n';

/**
 * Writes `<dir>/<fileName>`: the clean WAR (a servlet and a filter in WEB-INF/classes, index.jsp,
 * log4j2 writing to a file per version, a jar of ordinary classes in WEB-INF/lib), changed as
 * `spec` says. Returns its path.
 */
export async function buildCheckWar(dir: string, fileName: string, spec: CheckWarSpec = {}): Promise<string> {
  const entries: ZipEntry[] = [
    { name: 'META-INF/MANIFEST.MF', data: MANIFEST },
    { name: 'META-INF/context.xml', data: Buffer.from(spec.contextXml ?? CLEAN_CONTEXT_XML) },
    { name: 'WEB-INF/web.xml', data: Buffer.from(webXml(spec.sessionConfig ?? DEFAULT_SESSION_CONFIG)) },
    { name: 'WEB-INF/classes/log4j2.xml', data: Buffer.from(spec.log4j2Xml ?? PER_VERSION_LOG4J2_XML) },
    { name: 'index.jsp', data: Buffer.from(INDEX_JSP) },
  ];
  const ownClasses = [
    'com/acme/shop/HelloServlet.java',
    'com/acme/shop/TimingFilter.java',
    ...(spec.classes ?? []),
  ];
  for (const file of await classesOf(...ownClasses))
    entries.push({ name: `WEB-INF/classes/${file.name}`, data: file.data });
  const jars: JarSpec[] = [
    { name: 'acme-util-2.1.jar', sources: ['com/acme/util/Money.java', 'com/acme/util/Ping.java'] },
    ...(spec.jars ?? []),
  ];
  // A jar is stored in a WAR as Maven does it: deflated (which gains nothing on random padding).
  for (const jar of jars) entries.push({ name: `WEB-INF/lib/${jar.name}`, data: await jarBuffer(jar) });
  return writeZipFile(join(dir, fileName), entries);
}

/**
 * The padding that makes the server-socket case's jar larger than the check holds in memory:
 * 1 MB over the core's NESTED_JAR_MEMORY_LIMIT (16 MB), which the core's
 * test/check/check-war.jdk.test.ts compares it with. A number here rather than an import, as the
 * limit is not part of the core's public API.
 */
export const BIG_JAR_PADDING = 17 * 1024 * 1024;

/** The cases of the integration test: the WAR of each finding, as a change to the clean one. */
export const FINDING_WARS = {
  'session-tracking': { sessionConfig: '    <tracking-mode>SSL</tracking-mode>\n' },
  'session-cookies-disabled': { contextXml: '<Context cookies="false"/>\n' },
  /** Cookies off, but a servlet encodes its links and URL tracking is on: no finding. */
  'cookies-off-urls-encoded': {
    contextXml: '<Context cookies="false"/>\n',
    sessionConfig: '    <tracking-mode>URL</tracking-mode>\n',
    classes: ['com/acme/shop/LinkServlet.java'],
  },
  'session-cookie-path': {
    sessionConfig: '    <cookie-config>\n      <path>/other</path>\n    </cookie-config>\n',
  },
  'session-cookie-path-wider': {
    sessionConfig: '    <cookie-config>\n      <path>/</path>\n    </cookie-config>\n',
  },
  'context-path': { contextXml: '<Context path="/store"/>\n' },
  'context-anti-resource-locking': { contextXml: '<Context antiResourceLocking="true"/>\n' },
  'context-work-dir': { contextXml: '<Context workDir="${catalina.base}/work/shop"/>\n' },
  'context-doc-base': { contextXml: '<Context docBase="/srv/shop"/>\n' },
  'server-socket': {
    classes: ['com/acme/shop/AdminConsole.java'],
    jars: [
      {
        name: 'chat-server-1.0.jar',
        sources: ['com/acme/chat/ChatServer.java'],
        paddingBytes: BIG_JAR_PADDING,
      },
    ],
  },
  'shared-log-file': {
    log4j2Xml: PER_VERSION_LOG4J2_XML.replaceAll(`-${PER_VERSION}`, ''),
    jars: [
      {
        name: 'logging-defaults.jar',
        files: {
          'logback.xml':
            '<configuration>\n  <appender name="FILE" class="ch.qos.logback.core.FileAppender">\n' +
            '    <file>${catalina.base}/logs/app.log</file>\n' +
            '    <encoder><pattern>%msg%n</pattern></encoder>\n  </appender>\n</configuration>\n',
        },
      },
    ],
  },
  'jdbc-driver': {
    jars: [
      {
        name: 'acme-jdbc-1.0.jar',
        sources: ['com/acme/jdbc/AcmeDriver.java'],
        files: { 'META-INF/services/java.sql.Driver': 'com.acme.jdbc.AcmeDriver\n' },
      },
    ],
  },
  'leak-prone-library': {
    jars: [{ name: 'scheduler-all.jar', sources: ['org/quartz/core/QuartzScheduler.java'] }],
  },
} satisfies Record<string, CheckWarSpec>;

export type FindingWar = keyof typeof FINDING_WARS;
