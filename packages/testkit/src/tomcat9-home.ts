import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Tomcat 9.0 for the integration tests, assembled from Debian's `libtomcat9-java` (9.0.70).
 *
 * bookworm has no `tomcat9` package, but `libtomcat9-java` ships every Tomcat 9 jar in
 * /usr/share/java: `Bootstrap`, `Catalina`, `ManagerServlet` and `StatusManagerServlet` are in
 * tomcat9-catalina.jar, Jasper in tomcat9-jasper.jar; JSPs compile with Debian's eclipse-jdt-core
 * (a dependency of the package). What it lacks is a Tomcat: no `bin/`, no `conf/`, no manager
 * webapp. This module lays them out:
 *
 * - a CATALINA_HOME, shared by every process (`tomcat-pd-home9-<uid>-<hash>` in the temp dir):
 *   `lib/` and `bin/tomcat-juli.jar` are symlinks under the names of an upstream Tomcat 9
 *   download (short names for `jarsToSkip`, which keeps the jar scanner out of them), and
 *   `webapps/manager/WEB-INF/web.xml`, a minimal manager (text API and status only);
 * - the line-specific files of every CATALINA_BASE (`conf/web.xml`, `catalina.properties`,
 *   `context.xml`, `logging.properties`); server.xml and tomcat-users.xml come from the same
 *   `serverXml` and `tomcatUsersXml` as for 10.1;
 * - the JVM command line that Tomcat 9's `catalina.sh run` would build.
 *
 * There is no `bootstrap.jar` (Bootstrap lives in the catalina jar), so every jar goes on the JVM's
 * class path and `common.loader` is empty: Bootstrap then uses the system class loader as the
 * common, server and shared loader (`Bootstrap.initClassLoaders`), and webapp class loaders
 * delegate to it as they would to the common loader.
 */

/** Where Debian puts the jars. */
const JAVA_DIR = '/usr/share/java';
/** The package that has them, for error messages. */
export const TOMCAT9_PACKAGE = 'libtomcat9-java';
const JDT_JAR = join(JAVA_DIR, 'eclipse-jdt-core.jar');

/**
 * `lib/` of an upstream Tomcat 9 download: its name there → the Debian jar in /usr/share/java.
 * Not catalina-ant.jar (needs Ant); ecj.jar is added apart (another package).
 */
const LIB_JARS: ReadonlyArray<readonly [string, string]> = [
  ['annotations-api.jar', 'tomcat9-annotations-api.jar'],
  ['catalina.jar', 'tomcat9-catalina.jar'],
  ['catalina-ha.jar', 'tomcat9-catalina-ha.jar'],
  ['catalina-storeconfig.jar', 'tomcat9-storeconfig.jar'],
  ['catalina-tribes.jar', 'tomcat9-tribes.jar'],
  ['el-api.jar', 'tomcat9-el-api.jar'],
  ['jasper.jar', 'tomcat9-jasper.jar'],
  ['jasper-el.jar', 'tomcat9-jasper-el.jar'],
  ['jaspic-api.jar', 'tomcat9-jaspic-api.jar'],
  ['jsp-api.jar', 'tomcat9-jsp-api.jar'],
  ['servlet-api.jar', 'tomcat9-servlet-api.jar'],
  ['websocket-api.jar', 'tomcat9-websocket-api.jar'],
  ...['api', 'coyote', 'dbcp', 'jdbc', 'jni', 'util', 'util-scan', 'websocket'].map(
    (name) => [`tomcat-${name}.jar`, `tomcat9-${name}.jar`] as const,
  ),
  // Debian's catalina jar has the translations built in already; upstream ships them apart.
  ...['cs', 'de', 'es', 'fr', 'ja', 'ko', 'pt-BR', 'ru', 'zh-CN'].map(
    (lang) => [`tomcat-i18n-${lang}.jar`, `tomcat9-i18n-${lang}.jar`] as const,
  ),
];

/** Why Tomcat 9 cannot be assembled here (naming the package to install), or undefined. */
export function tomcat9Missing(): string | undefined {
  const needed = ['tomcat9-juli.jar', ...LIB_JARS.map(([, debian]) => debian)].map((jar) =>
    join(JAVA_DIR, jar),
  );
  const absent = needed.filter((jar) => !existsSync(jar));
  if (absent.length > 0) {
    const shown = absent.length > 3 ? `${absent.slice(0, 3).join(', ')}, ...` : absent.join(', ');
    return `Tomcat 9's jars are missing (${shown}): apt-get install -y ${TOMCAT9_PACKAGE}`;
  }
  if (!existsSync(JDT_JAR)) {
    return `${JDT_JAR} (JSP compiler) is missing: apt-get install -y ${TOMCAT9_PACKAGE}`;
  }
  return undefined;
}

/** A Tomcat 9 CATALINA_HOME. */
export interface Tomcat9Home {
  readonly home: string;
  /** The manager webapp's directory, for `conf/Catalina/localhost/manager.xml`. */
  readonly managerDocBase: string;
  /** The JVM's class path: `bin/tomcat-juli.jar` and every `lib/` jar. */
  readonly classPath: readonly string[];
}

let shared: Promise<Tomcat9Home> | undefined;

/**
 * The CATALINA_HOME, laid out once and shared by every test process and run:
 * `<tmpdir>/tomcat-pd-home9-<uid>-<hash of the layout>`, only symlinks and one web.xml, so it is
 * never removed (a vitest worker may end without running 'exit' handlers) and a changed layout
 * gets a new name. Made in a temporary directory and renamed into place, so concurrent processes
 * never see half of it.
 */
export function tomcat9Home(): Promise<Tomcat9Home> {
  shared ??= sharedHome().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}

/** Marks a complete home (written last, before the rename). */
const COMPLETE = '.tomcat-pd-complete';

async function sharedHome(): Promise<Tomcat9Home> {
  const hash = createHash('sha256')
    .update(JSON.stringify([LIB_JARS, MANAGER_WEB_XML]))
    .digest('hex')
    .slice(0, 12);
  const home = join(tmpdir(), `tomcat-pd-home9-${process.getuid?.() ?? 'x'}-${hash}`);
  if (!(await isCompleteHome(home))) {
    const staging = await mkdtemp(`${home}.tmp-`);
    try {
      await layOutTomcat9Home(staging);
      await writeFile(join(staging, COMPLETE), '');
      await rename(staging, home);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      // Another process renamed its copy into place first: use that one.
      if (!(await isCompleteHome(home))) throw error;
    }
  }
  return homeAt(home);
}

async function isCompleteHome(home: string): Promise<boolean> {
  const info = await stat(join(home, COMPLETE)).catch(() => undefined);
  if (info === undefined) return false;
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) {
    throw new Error(`${home} belongs to another user; remove it or set TMPDIR`);
  }
  return true;
}

/** The paths of a home laid out by {@link layOutTomcat9Home}. */
function homeAt(home: string): Tomcat9Home {
  const managerDocBase = join(home, 'webapps/manager');
  const lib = [...LIB_JARS.map(([name]) => name), 'ecj.jar'].map((name) => join(home, 'lib', name));
  return { home, managerDocBase, classPath: [join(home, 'bin/tomcat-juli.jar'), ...lib] };
}

/**
 * Lays out a Tomcat 9 CATALINA_HOME in `home` (an empty or missing directory): `bin/tomcat-juli.jar`
 * and `lib/*.jar` as symlinks into /usr/share/java, and the manager webapp in `webapps/manager`.
 * The tests use {@link tomcat9Home}; this is for a fixed path (recording fixtures).
 */
export async function layOutTomcat9Home(home: string): Promise<Tomcat9Home> {
  const paths = homeAt(home);
  for (const dir of [join(home, 'bin'), join(home, 'lib'), join(paths.managerDocBase, 'WEB-INF')]) {
    await mkdir(dir, { recursive: true });
  }
  await symlink(join(JAVA_DIR, 'tomcat9-juli.jar'), join(home, 'bin/tomcat-juli.jar'));
  // Upstream ships ecj as ecj-<version>.jar; it is in jarsToSkip like every other jar here.
  for (const [name, debian] of [...LIB_JARS, ['ecj.jar', 'eclipse-jdt-core.jar'] as const]) {
    await symlink(join(JAVA_DIR, debian), join(home, 'lib', name));
  }
  await writeFile(join(paths.managerDocBase, 'WEB-INF/web.xml'), MANAGER_WEB_XML);
  return paths;
}

const WEB_APP_4_0 =
  '<web-app xmlns="http://xmlns.jcp.org/xml/ns/javaee"\n' +
  '         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n' +
  '         xsi:schemaLocation="http://xmlns.jcp.org/xml/ns/javaee http://xmlns.jcp.org/xml/ns/javaee/web-app_4_0.xsd"\n' +
  '         version="4.0">';

/**
 * The manager webapp: the text API and the status servlet of the upstream manager's web.xml,
 * both for `manager-script` only, BASIC auth with the upstream realm name. No HTML manager, no
 * JMX proxy, no error pages (401 and 403 get Tomcat's default error page), no RemoteAddrValve.
 */
const MANAGER_WEB_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by the tomcat-pd test harness (packages/testkit/src/tomcat9-home.ts). -->
${WEB_APP_4_0}
  <display-name>Tomcat Manager Application</display-name>
  <servlet>
    <servlet-name>Manager</servlet-name>
    <servlet-class>org.apache.catalina.manager.ManagerServlet</servlet-class>
    <init-param>
      <param-name>debug</param-name>
      <param-value>2</param-value>
    </init-param>
  </servlet>
  <servlet>
    <servlet-name>Status</servlet-name>
    <servlet-class>org.apache.catalina.manager.StatusManagerServlet</servlet-class>
    <init-param>
      <param-name>debug</param-name>
      <param-value>0</param-value>
    </init-param>
  </servlet>
  <servlet-mapping>
    <servlet-name>Manager</servlet-name>
    <url-pattern>/text/*</url-pattern>
  </servlet-mapping>
  <servlet-mapping>
    <servlet-name>Status</servlet-name>
    <url-pattern>/status/*</url-pattern>
  </servlet-mapping>
  <security-constraint>
    <web-resource-collection>
      <web-resource-name>Text Manager interface (for scripts)</web-resource-name>
      <url-pattern>/text/*</url-pattern>
    </web-resource-collection>
    <auth-constraint>
      <role-name>manager-script</role-name>
    </auth-constraint>
  </security-constraint>
  <security-constraint>
    <web-resource-collection>
      <web-resource-name>Status interface</web-resource-name>
      <url-pattern>/status/*</url-pattern>
    </web-resource-collection>
    <auth-constraint>
      <role-name>manager-script</role-name>
    </auth-constraint>
  </security-constraint>
  <login-config>
    <auth-method>BASIC</auth-method>
    <realm-name>Tomcat Manager Application</realm-name>
  </login-config>
  <security-role>
    <role-name>manager-script</role-name>
  </security-role>
</web-app>
`;

/**
 * `conf/web.xml`: Tomcat 9's default one is not shipped either, so a minimal one with what the
 * test WARs need: the default servlet, the JSP servlet on `*.jsp`/`*.jspx`, the default session
 * time-out (30 min), a few MIME types and the welcome files.
 */
const DEFAULT_WEB_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by the tomcat-pd test harness (packages/testkit/src/tomcat9-home.ts). -->
${WEB_APP_4_0}
  <servlet>
    <servlet-name>default</servlet-name>
    <servlet-class>org.apache.catalina.servlets.DefaultServlet</servlet-class>
    <init-param>
      <param-name>debug</param-name>
      <param-value>0</param-value>
    </init-param>
    <init-param>
      <param-name>listings</param-name>
      <param-value>false</param-value>
    </init-param>
    <load-on-startup>1</load-on-startup>
  </servlet>
  <servlet>
    <servlet-name>jsp</servlet-name>
    <servlet-class>org.apache.jasper.servlet.JspServlet</servlet-class>
    <init-param>
      <param-name>fork</param-name>
      <param-value>false</param-value>
    </init-param>
    <init-param>
      <param-name>xpoweredBy</param-name>
      <param-value>false</param-value>
    </init-param>
    <load-on-startup>3</load-on-startup>
  </servlet>
  <servlet-mapping>
    <servlet-name>default</servlet-name>
    <url-pattern>/</url-pattern>
  </servlet-mapping>
  <servlet-mapping>
    <servlet-name>jsp</servlet-name>
    <url-pattern>*.jsp</url-pattern>
    <url-pattern>*.jspx</url-pattern>
  </servlet-mapping>
  <session-config>
    <session-timeout>30</session-timeout>
  </session-config>
  <mime-mapping>
    <extension>css</extension>
    <mime-type>text/css</mime-type>
  </mime-mapping>
  <mime-mapping>
    <extension>html</extension>
    <mime-type>text/html</mime-type>
  </mime-mapping>
  <mime-mapping>
    <extension>js</extension>
    <mime-type>text/javascript</mime-type>
  </mime-mapping>
  <mime-mapping>
    <extension>json</extension>
    <mime-type>application/json</mime-type>
  </mime-mapping>
  <mime-mapping>
    <extension>txt</extension>
    <mime-type>text/plain</mime-type>
  </mime-mapping>
  <welcome-file-list>
    <welcome-file>index.html</welcome-file>
    <welcome-file>index.htm</welcome-file>
    <welcome-file>index.jsp</welcome-file>
  </welcome-file-list>
</web-app>
`;

/**
 * `conf/catalina.properties`: empty loaders (see the top of this file) and the jar names of
 * CATALINA_HOME/lib as `jarsToSkip`, so that no deploy scans them for TLDs or web fragments (with
 * Java 9+ the jar scanner also walks java.class.path).
 */
function catalinaProperties(): string {
  const skip = ['tomcat-juli.jar', 'ecj.jar', ...LIB_JARS.map(([name]) => name)];
  return [
    '# Written by the tomcat-pd test harness (packages/testkit/src/tomcat9-home.ts).',
    'common.loader=',
    'server.loader=',
    'shared.loader=',
    `tomcat.util.scan.StandardJarScanFilter.jarsToSkip=${skip.join(',')}`,
    '',
  ].join('\n');
}

/**
 * `conf/context.xml` as upstream Tomcat 9 ships it. Its `<Manager pathname="" />` stays commented
 * out as there, so sessions persist over a restart in `SESSIONS.ser` (StandardManager's default
 * in 7.0-9.0; 10.1 has no default file), a documented difference the tests live with.
 */
const CONTEXT_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by the tomcat-pd test harness (packages/testkit/src/tomcat9-home.ts), as upstream 9.0's. -->
<Context>
  <WatchedResource>WEB-INF/web.xml</WatchedResource>
  <WatchedResource>WEB-INF/tomcat-web.xml</WatchedResource>
  <WatchedResource>\${catalina.base}/conf/web.xml</WatchedResource>
  <!-- Uncomment this to disable session persistence across Tomcat restarts -->
  <!--
  <Manager pathname="" />
  -->
</Context>
`;

/** `conf/logging.properties`: everything on the console, i.e. into logs/catalina.out. */
const LOGGING_PROPERTIES = `# Written by the tomcat-pd test harness (packages/testkit/src/tomcat9-home.ts).
handlers = java.util.logging.ConsoleHandler
.handlers = java.util.logging.ConsoleHandler
java.util.logging.ConsoleHandler.level = FINE
java.util.logging.ConsoleHandler.formatter = org.apache.juli.OneLineFormatter
java.util.logging.ConsoleHandler.encoding = UTF-8
`;

/** Writes the Tomcat 9 files of `conf/` into a fresh CATALINA_BASE (server.xml etc. come apart). */
export async function writeTomcat9Conf(base: string): Promise<void> {
  await mkdir(join(base, 'conf'), { recursive: true });
  await writeFile(join(base, 'conf/web.xml'), DEFAULT_WEB_XML);
  await writeFile(join(base, 'conf/catalina.properties'), catalinaProperties());
  await writeFile(join(base, 'conf/context.xml'), CONTEXT_XML);
  await writeFile(join(base, 'conf/logging.properties'), LOGGING_PROPERTIES);
}

/** The `--add-opens` options Tomcat 9's catalina.sh passes on Java 9+ (setclasspath/catalina.sh). */
const ADD_OPENS = [
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED',
];

/**
 * The arguments of `java` that `catalina.sh run` of Tomcat 9 would use, with `javaOpts` where
 * JAVA_OPTS goes: logging, the `war:` URL handler, `--add-opens`, the class path, catalina.home /
 * catalina.base / java.io.tmpdir, and `Bootstrap start`.
 */
export function tomcat9JavaArgs(home: Tomcat9Home, base: string, javaOpts: readonly string[]): string[] {
  return [
    `-Djava.util.logging.config.file=${join(base, 'conf/logging.properties')}`,
    '-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager',
    ...javaOpts,
    '-Djdk.tls.ephemeralDHKeySize=2048',
    '-Djava.protocol.handler.pkgs=org.apache.catalina.webresources',
    ...ADD_OPENS,
    '-classpath',
    home.classPath.join(':'),
    `-Dcatalina.base=${base}`,
    `-Dcatalina.home=${home.home}`,
    `-Djava.io.tmpdir=${join(base, 'temp')}`,
    'org.apache.catalina.startup.Bootstrap',
    'start',
  ];
}
