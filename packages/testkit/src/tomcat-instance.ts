import { randomBytes } from 'node:crypto';
import type { HttpsConnector } from './tls-certificate.js';

/** A user in the test Tomcat's `tomcat-users.xml`. */
export interface TomcatUser {
  name: string;
  password: string;
}

/** What a Tomcat started with `https` offers besides its HTTP connector. */
export interface HttpsEndpoint {
  /** `https://127.0.0.1:PORT` of the HTTPS connector (for Docker: the container host). */
  readonly httpsBaseUrl: string;
  /** `httpsBaseUrl + '/manager'`. */
  readonly httpsManagerUrl: string;
  /** The instance's own self-signed certificate (PEM), to trust as a CA: `tls: { ca: caPem }`. */
  readonly caPem: string;
  /** The file holding `caPem`, for `--ca-file`. */
  readonly caFile: string;
}

/** What a Tomcat started with `https: { clientAuth: true }` offers: a client certificate it accepts. */
export interface ClientAuthEndpoint extends HttpsEndpoint {
  /** A client certificate (PEM) issued by the CA the connector trusts. */
  readonly clientCertFile: string;
  /** Its private key (PEM, unencrypted). */
  readonly clientKeyFile: string;
}

/**
 * The Tomcat lines the integration tests can run against: `10.1` (Debian's tomcat10, or the
 * Docker image) and `9.0` (assembled from Debian's libtomcat9-java, see tomcat9-home.ts).
 */
export type TomcatLine = '9.0' | '10.1';

/** The environment variable that chooses the line; `10.1` when unset or empty. */
export const LINE_ENV = 'TOMCAT_PD_TEST_LINE';

/**
 * The line chosen by env `TOMCAT_PD_TEST_LINE`: `10.1` (default) or `9.0`. Anything else throws,
 * so that a typo never runs the suites against a line nobody asked for.
 */
export function chosenLine(): TomcatLine {
  const wanted = (process.env[LINE_ENV] ?? '').trim() || '10.1';
  if (wanted === '10.1' || wanted === '9.0') return wanted;
  throw new Error(`${LINE_ENV} must be "10.1" or "9.0", not "${wanted}"`);
}

/**
 * A running Tomcat for integration tests, local (Debian's tomcat10, or Tomcat 9 assembled from
 * libtomcat9-java) or in a Docker container. The TLS fields are set only when it was started with
 * the `https` option (see `HttpsTomcat`).
 */
export interface TomcatInstance extends Partial<ClientAuthEndpoint> {
  readonly kind: 'local' | 'docker';
  /**
   * The Tomcat line, for tests that branch on a documented difference (recorded in
   * packages/testkit/fixtures/README.md, "Recorded on Tomcat 9.0.70"): 9.0.70 answers
   * `/manager/status/all?JSON=true` with the HTML page; it keeps sessions over a reload or a
   * graceful restart (SESSIONS.ser, StandardManager's default in 7.0-9.0); it accepts a context
   * path with `/../`; and its manager here is a minimal one (text API and status only, Tomcat's
   * default 401/403 pages). The Docker kind is always 10.1.
   */
  readonly line: TomcatLine;
  /** `http://127.0.0.1:PORT` (for Docker: the container host and its mapped port). */
  readonly baseUrl: string;
  /** `baseUrl + '/manager'`. */
  readonly managerUrl: string;
  /** The `manager-script` user (same as `users.script`). */
  readonly user: string;
  readonly password: string;
  /** `script` has only `manager-script`; `guiOnly` has only `manager-gui` (gets 403 on the text API). */
  readonly users: Record<'script' | 'guiOnly', TomcatUser>;
  /** The AJP connector's port, when started with `ajp` (local only). */
  readonly ajpPort?: number;
  /** Graceful stop (SIGTERM, SIGKILL after 10 s), then removes everything it created. */
  stop(): Promise<void>;
  /** SIGKILL, for crash tests; `restart()` can bring it back, `stop()` still cleans up. */
  kill(): Promise<void>;
  /** Starts again on the same port and CATALINA_BASE, keeping deployed webapps. */
  restart(): Promise<void>;
}

/** Options every kind of test Tomcat understands. */
export interface TomcatOptions {
  /** Extra or overriding `<Host>` attributes, e.g. `{ undeployOldVersions: 'true', autoDeploy: 'true' }`. */
  hostAttributes?: Record<string, string>;
  /**
   * Also an HTTPS connector (NIO, TLS) on a second port, with a fresh self-signed certificate for
   * 127.0.0.1/localhost; `clientAuth: true` makes it require a client certificate. The HTTP
   * connector stays (start-up is probed over it).
   */
  https?: true | HttpsOptions;
  /**
   * The Engine's `jvmRoute`: Tomcat appends `.ROUTE` to every session id it makes, which is what a
   * balancer's stickiness follows (a test of a balancer names one per Tomcat).
   */
  jvmRoute?: string;
  /**
   * Also an AJP/1.3 connector on 127.0.0.1 and a second free port (`ajpPort`), without a secret
   * (`secretRequired="false"`), for mod_jk in front (a test of a balancer).
   */
  ajp?: true;
  /**
   * Also grant the `manager-script` user `manager-jmx` (the JMX proxy, `/manager/jmxproxy`): what
   * tells a drain which sessions began before it (docs/tomcat-manager.md#jmx-proxy).
   */
  jmx?: true;
}

/** The `https` option in its long form. */
export interface HttpsOptions {
  /** Require a client certificate (`certificateVerification="required"`). */
  clientAuth?: boolean;
}

/** A Tomcat started with `https`. */
export type HttpsTomcat<T extends TomcatInstance = TomcatInstance> = T & HttpsEndpoint;
/** A Tomcat started with `https: { clientAuth: true }`. */
export type ClientAuthTomcat<T extends TomcatInstance = TomcatInstance> = T & ClientAuthEndpoint;

/** The `https` option as `{ clientAuth }`, or undefined without HTTPS. */
export function httpsOptions(options: TomcatOptions): Required<HttpsOptions> | undefined {
  if (options.https === undefined) return undefined;
  return { clientAuth: options.https !== true && options.https.clientAuth === true };
}

/** How to get a Tomcat for the integration tests; part of every "no Tomcat" error. */
export const TOMCAT_INSTALL_HINT =
  'Install Debian\'s Tomcat with "apt-get update && apt-get install -y tomcat10 tomcat10-admin", ' +
  'or run a Docker engine (the tests then build docker/Dockerfile); for the Tomcat 9 line ' +
  '(TOMCAT_PD_TEST_LINE=9.0, always local) "apt-get install -y libtomcat9-java". Force a kind with ' +
  'TOMCAT_PD_TEST_TOMCAT=local or TOMCAT_PD_TEST_TOMCAT=docker (default "auto": Docker when an engine ' +
  'answers, else the local Tomcat). The integration tests never pass without a Tomcat.';

/** The error thrown when no Tomcat can be started; `reason` says what is missing. */
export function noTomcatError(reason: string): Error {
  return new Error(`No Tomcat for the integration tests: ${reason}. ${TOMCAT_INSTALL_HINT}`);
}

/**
 * Fresh users for one Tomcat. The script password holds `:`, `@`, `%`, `&`, `<`, quotes, `#`, `+`,
 * `/` and a space on purpose: clients must encode credentials correctly (only the first `:` of
 * Basic auth separates user and password). ASCII only, because Tomcat's BASIC authenticator
 * decodes ISO-8859-1 unless configured otherwise.
 */
export function createUsers(): Record<'script' | 'guiOnly', TomcatUser> {
  const salt = randomBytes(6).toString('hex');
  return {
    script: { name: 'pd-script', password: `s3 cret:@%&<>"'#+/${salt}` },
    guiOnly: { name: 'pd-gui', password: `gui-${salt}` },
  };
}

/** Escapes a value for an XML attribute in double or single quotes. */
export function xmlAttr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `conf/tomcat-users.xml` with exactly the two test users and their single roles (`jmx`: the script user's second). */
export function tomcatUsersXml(
  users: Record<'script' | 'guiOnly', TomcatUser>,
  { jmx }: Pick<TomcatOptions, 'jmx'> = {},
): string {
  const user = (u: TomcatUser, role: string): string =>
    `  <user username="${xmlAttr(u.name)}" password="${xmlAttr(u.password)}" roles="${role}"/>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">',
    '  <role rolename="manager-script"/>',
    '  <role rolename="manager-gui"/>',
    ...(jmx === true ? ['  <role rolename="manager-jmx"/>'] : []),
    user(users.script, jmx === true ? 'manager-script,manager-jmx' : 'manager-script'),
    user(users.guiOnly, 'manager-gui'),
    '</tomcat-users>',
    '',
  ].join('\n');
}

/**
 * `conf/server.xml`, after Debian's, reduced to what the tests need: one HTTP connector (AJP only
 * with `ajpPort`; an HTTPS connector only with `https`), `<Server port="-1">` (no shutdown port; Tomcat is
 * stopped by signal), the default LockOutRealm + UserDatabaseRealm (so lock-out behaves as in
 * production), autoDeploy off as in hardened production setups, WARs unpacked.
 *
 * `backgroundProcessorDelay="1"` on the Engine: its background thread also serves the Host and
 * every Context (their own delay is -1), and the session Manager sweeps expired sessions every
 * 6th tick (`processExpiresFrequency=6`). The default delay of 10 s means a timed-out session can
 * be counted for up to ~60 s; with 1 s it is gone within ~6-7 s, so session-drain tests can wait
 * for it.
 */
export function serverXml(options: {
  port: number;
  address: string;
  hostAttributes?: Record<string, string> | undefined;
  https?: HttpsConnector | undefined;
  jvmRoute?: string | undefined;
  ajpPort?: number | undefined;
}): string {
  const host: Record<string, string> = {
    name: 'localhost',
    appBase: 'webapps',
    unpackWARs: 'true',
    autoDeploy: 'false',
    ...options.hostAttributes,
  };
  const hostAttrs = Object.entries(host)
    .map(([k, v]) => `${k}="${xmlAttr(v)}"`)
    .join(' ');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by the tomcat-pd test harness (packages/testkit/src/tomcat-instance.ts). -->
<Server port="-1" shutdown="SHUTDOWN">
  <Listener className="org.apache.catalina.startup.VersionLoggerListener" />
  <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener" />
  <Listener className="org.apache.catalina.mbeans.GlobalResourcesLifecycleListener" />
  <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener" />
  <GlobalNamingResources>
    <Resource name="UserDatabase" auth="Container" type="org.apache.catalina.UserDatabase"
              factory="org.apache.catalina.users.MemoryUserDatabaseFactory"
              pathname="conf/tomcat-users.xml" />
  </GlobalNamingResources>
  <Service name="Catalina">
    <Connector address="${xmlAttr(options.address)}" port="${options.port}" protocol="HTTP/1.1"
               connectionTimeout="20000" maxParameterCount="1000" />
${options.https === undefined ? '' : httpsConnectorXml(options.address, options.https)}${options.ajpPort === undefined ? '' : ajpConnectorXml(options.address, options.ajpPort)}    <Engine name="Catalina" defaultHost="localhost" backgroundProcessorDelay="1"${options.jvmRoute === undefined ? '' : ` jvmRoute="${xmlAttr(options.jvmRoute)}"`}>
      <Realm className="org.apache.catalina.realm.LockOutRealm">
        <Realm className="org.apache.catalina.realm.UserDatabaseRealm" resourceName="UserDatabase"/>
      </Realm>
      <Host ${hostAttrs}>
        <Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs"
               prefix="localhost_access_log" suffix=".txt" pattern="%h %l %u %t &quot;%r&quot; %s %b" />
      </Host>
    </Engine>
  </Service>
</Server>
`;
}

/** The AJP `<Connector>` for mod_jk: no secret, as on a trusted loopback (Tomcat 9.0.31+ requires one by default). */
function ajpConnectorXml(address: string, port: number): string {
  return `    <Connector protocol="AJP/1.3" address="${xmlAttr(address)}" port="${port}" secretRequired="false" />
`;
}

/**
 * The HTTPS `<Connector>`: NIO with JSSE, the server certificate from a PKCS12 keystore; with a
 * truststore, `certificateVerification="required"` and its client CA as the only one trusted
 * (see `jksTruststore` for why JKS).
 */
function httpsConnectorXml(address: string, https: HttpsConnector): string {
  const verify =
    https.truststoreFile === undefined
      ? ''
      : ` certificateVerification="required" truststoreType="JKS"
                     truststoreFile="${xmlAttr(https.truststoreFile)}"
                     truststorePassword="${xmlAttr(https.keystorePassword)}"`;
  return `    <Connector address="${xmlAttr(address)}" port="${https.port}"
               protocol="org.apache.coyote.http11.Http11NioProtocol" SSLEnabled="true"
               scheme="https" secure="true" connectionTimeout="20000" maxParameterCount="1000">
      <SSLHostConfig${verify}>
        <Certificate certificateKeystoreFile="${xmlAttr(https.keystoreFile)}" certificateKeystoreType="PKCS12"
                     certificateKeystorePassword="${xmlAttr(https.keystorePassword)}" />
      </SSLHostConfig>
    </Connector>
`;
}

/** The `Authorization` header for a user (UTF-8, which equals ISO-8859-1 for ASCII passwords). */
export function basicAuth(user: TomcatUser): string {
  return `Basic ${Buffer.from(`${user.name}:${user.password}`, 'utf8').toString('base64')}`;
}

/** How `waitForManager` learns that the server died, with the log lines to show. */
export interface ReadinessProbe {
  /** A description of why the server cannot become ready (e.g. the JVM exited), else undefined. */
  failure(): string | undefined;
  /** The last lines of the server log, for error messages. */
  logTail(): Promise<string>;
}

/**
 * Polls `GET /manager/text/serverinfo` every 100 ms until it answers `OK -`. A 401/403 is not
 * retried: the users file is wrong, and retries would trip the LockOutRealm (5 failures lock the
 * user for 5 minutes).
 */
export async function waitForManager(
  managerUrl: string,
  user: TomcatUser,
  probe: ReadinessProbe,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const failure = probe.failure();
    if (failure !== undefined) throw await startError(failure, probe);
    try {
      const res = await fetch(`${managerUrl}/text/serverinfo`, {
        headers: { authorization: basicAuth(user), 'accept-language': 'en' },
        signal: AbortSignal.timeout(5_000),
      });
      const body = await res.text();
      if (res.status === 200 && body.startsWith('OK -')) return;
      if (res.status === 401 || res.status === 403) {
        throw await startError(`serverinfo answered HTTP ${res.status} for ${user.name}`, probe);
      }
      last = `HTTP ${res.status}: ${body.slice(0, 120)}`;
    } catch (error) {
      if (error instanceof StartError) throw error;
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw await startError(`manager not ready after ${timeoutMs} ms (last: ${last})`, probe);
}

class StartError extends Error {}

async function startError(reason: string, probe: ReadinessProbe): Promise<StartError> {
  return new StartError(`Tomcat did not start: ${reason}\n--- log tail ---\n${await probe.logTail()}`);
}
