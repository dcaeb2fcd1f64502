import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { createTlsFiles, httpsConnector, TLS_DIR } from './tls-certificate.js';
import type { TlsFiles } from './tls-certificate.js';
import { tomcat9Home, tomcat9JavaArgs, tomcat9Missing, writeTomcat9Conf } from './tomcat9-home.js';
import {
  chosenLine,
  createUsers,
  httpsOptions,
  noTomcatError,
  serverXml,
  tomcatUsersXml,
  waitForManager,
  xmlAttr,
} from './tomcat-instance.js';
import type {
  ClientAuthTomcat,
  HttpsOptions,
  HttpsTomcat,
  TomcatInstance,
  TomcatLine,
  TomcatOptions,
  TomcatUser,
} from './tomcat-instance.js';

/** Debian's layout (packages tomcat10 and tomcat10-admin). */
export const CATALINA_HOME = '/usr/share/tomcat10';
export const MANAGER_DOCBASE = '/usr/share/tomcat10-admin/manager';
const SETPRIV = '/usr/bin/setpriv';

/** Options of a local Tomcat: those of every kind, and the line (default: `chosenLine()`). */
export interface LocalTomcatOptions extends TomcatOptions {
  line?: TomcatLine;
  /** JVM options after the harness's own (e.g. `-XX:MaxMetaspaceSize=64m`). */
  javaOptions?: readonly string[];
  /**
   * The address the connectors bind; default `127.0.0.1`. `0.0.0.0` lets a request come from this
   * machine's non-loopback address, which the Manager's default valve answers with 403.
   */
  address?: string;
}

/** A local Tomcat, with what only a local one can tell. */
export interface LocalTomcatInstance extends TomcatInstance {
  readonly kind: 'local';
  /** The private CATALINA_BASE under os.tmpdir() (removed by stop() unless TOMCAT_PD_TEST_KEEP=1). */
  readonly catalinaBase: string;
  /** The JVM's pid while it runs. */
  readonly pid: number | undefined;
  /** Milliseconds from spawning the JVM to the first `OK -` from serverinfo, last (re)start. */
  readonly startupMs: number;
}

/** TOMCAT_PD_TEST_KEEP=1 keeps every CATALINA_BASE (logs, webapps) for a post-mortem. */
function keepBase(): boolean {
  return process.env.TOMCAT_PD_TEST_KEEP === '1';
}

/** Why a local Tomcat of `line` cannot be had here, or undefined when it can. */
export function localTomcatMissing(line: TomcatLine = chosenLine()): string | undefined {
  if (line === '9.0') return tomcat9Missing();
  if (!existsSync(join(CATALINA_HOME, 'bin/catalina.sh')))
    return `${CATALINA_HOME}/bin/catalina.sh is missing`;
  if (!existsSync(MANAGER_DOCBASE)) return `the manager webapp ${MANAGER_DOCBASE} is missing`;
  return undefined;
}

/**
 * What differs between the lines: the line's own files in a fresh CATALINA_BASE, the manager's
 * docBase, and the command that runs the JVM in the foreground. Everything else (server.xml,
 * users, ports, readiness, stop/kill/restart) is shared.
 */
interface Launcher {
  readonly line: TomcatLine;
  readonly managerDocBase: string;
  /** Writes the line's files into `conf/` of a fresh CATALINA_BASE (server.xml and users come after). */
  prepareBase(base: string): Promise<void>;
  /** The program, its arguments and environment; it must exec the JVM (so its pid is the JVM's). */
  command(
    base: string,
    javaOptions: readonly string[],
  ): { file: string; args: string[]; env: NodeJS.ProcessEnv };
}

/**
 * JAVA_OPTS of every line: English messages whatever the machine's locale; a port that cannot be
 * bound ends the JVM instead of leaving a Tomcat without connector; serial GC and C1 only start
 * faster.
 */
const JAVA_OPTS: readonly string[] = [
  '-Xmx256m',
  '-Djava.security.egd=file:/dev/./urandom',
  '-Duser.language=en',
  '-Duser.country=US',
  '-Dorg.apache.catalina.startup.EXIT_ON_INIT_FAILURE=true',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
];

/** The test process's environment without what would change how Tomcat starts. */
function cleanJvmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: 'C.UTF-8' };
  for (const name of [
    'CATALINA_OPTS',
    'CATALINA_PID',
    'CATALINA_OUT',
    'CATALINA_TMPDIR',
    'JPDA_OPTS',
    'JAVA_OPTS',
    'CLASSPATH',
  ]) {
    delete env[name];
  }
  return env;
}

/** 10.1: Debian's tomcat10, its conf/ copied, started by its `catalina.sh run`. */
const TOMCAT10_LAUNCHER: Launcher = {
  line: '10.1',
  managerDocBase: MANAGER_DOCBASE,
  async prepareBase(base) {
    await cp(join(CATALINA_HOME, 'etc'), join(base, 'conf'), { recursive: true });
  },
  command(base, javaOptions) {
    return {
      file: join(CATALINA_HOME, 'bin/catalina.sh'),
      args: ['run'],
      env: { ...cleanJvmEnv(), CATALINA_HOME, CATALINA_BASE: base, JAVA_OPTS: javaOptions.join(' ') },
    };
  },
};

/** 9.0: assembled from libtomcat9-java (tomcat9-home.ts); `java` as Tomcat 9's catalina.sh runs it. */
async function tomcat9Launcher(): Promise<Launcher> {
  const home = await tomcat9Home();
  const javaHome = process.env.JAVA_HOME;
  return {
    line: '9.0',
    managerDocBase: home.managerDocBase,
    prepareBase: writeTomcat9Conf,
    command(base, javaOptions) {
      return {
        file: javaHome ? join(javaHome, 'bin/java') : 'java',
        args: tomcat9JavaArgs(home, base, javaOptions),
        env: cleanJvmEnv(),
      };
    },
  };
}

async function launcher(line: TomcatLine): Promise<Launcher> {
  return line === '9.0' ? tomcat9Launcher() : TOMCAT10_LAUNCHER;
}

/**
 * Starts a local Tomcat of `options.line` (default: env TOMCAT_PD_TEST_LINE, see `chosenLine`):
 * Debian's tomcat10 (10.1) or Tomcat 9 assembled from libtomcat9-java (9.0), on a private
 * CATALINA_BASE (mkdtemp `tomcat-pd-`) and a free port on 127.0.0.1, and resolves once the
 * manager's text API answers. A port taken by someone else between choosing and binding it is
 * retried with a new one. With `https`, also an HTTPS connector on a second free port, with
 * certificates made for this instance (tls-certificate.ts); with `ajp`, an AJP connector on
 * another (`ajpPort`).
 */
export async function startLocalTomcat(
  options: LocalTomcatOptions & { https: { clientAuth: true } },
): Promise<ClientAuthTomcat<LocalTomcatInstance>>;
export async function startLocalTomcat(
  options: LocalTomcatOptions & { https: true | HttpsOptions },
): Promise<HttpsTomcat<LocalTomcatInstance>>;
export async function startLocalTomcat(options?: LocalTomcatOptions): Promise<LocalTomcatInstance>;
export async function startLocalTomcat(options: LocalTomcatOptions = {}): Promise<LocalTomcatInstance> {
  const line = options.line ?? chosenLine();
  const missing = localTomcatMissing(line);
  if (missing !== undefined) throw noTomcatError(missing);
  const spawner = await launcher(line);
  for (let attempt = 1; ; attempt++) {
    const users = createUsers();
    const port = await freePort();
    const httpsPort = options.https === undefined ? undefined : await otherFreePort(port);
    const ajpPort = options.ajp === undefined ? undefined : await otherFreePort(port, httpsPort);
    const { base, tls } = await prepareBase(spawner, { port, httpsPort, ajpPort }, users, options);
    const tomcat = new LocalTomcat(
      spawner,
      base,
      port,
      users,
      tls && httpsPort ? { port: httpsPort, files: tls } : undefined,
      [...JAVA_OPTS, ...(options.javaOptions ?? [])],
      ajpPort,
    );
    try {
      await tomcat.start();
      return tomcat;
    } catch (error) {
      await tomcat.stop();
      const bindFailed = String(error).includes('Address already in use');
      if (!bindFailed || attempt >= 3) throw error;
    }
  }
}

/** A free port other than those `taken` (the kernel may hand out a port just closed again). */
async function otherFreePort(...taken: (number | undefined)[]): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (!taken.includes(port)) return port;
  }
}

async function prepareBase(
  spawner: Launcher,
  { port, httpsPort, ajpPort }: { port: number; httpsPort: number | undefined; ajpPort: number | undefined },
  users: Record<'script' | 'guiOnly', TomcatUser>,
  options: LocalTomcatOptions,
): Promise<{ base: string; tls: TlsFiles | undefined }> {
  const base = await mkdtemp(join(tmpdir(), 'tomcat-pd-'));
  await spawner.prepareBase(base);
  for (const dir of ['logs', 'temp', 'webapps', 'work', 'conf/Catalina/localhost']) {
    await mkdir(join(base, dir), { recursive: true });
  }
  const https = httpsOptions(options);
  const tls =
    https === undefined || httpsPort === undefined
      ? undefined
      : await createTlsFiles(join(base, TLS_DIR), https);
  const xml = serverXml({
    port,
    address: options.address ?? '127.0.0.1',
    hostAttributes: options.hostAttributes,
    jvmRoute: options.jvmRoute,
    ajpPort,
    https: tls === undefined || httpsPort === undefined ? undefined : httpsConnector(tls, httpsPort),
  });
  await writeFile(join(base, 'conf/server.xml'), xml);
  await writeFile(join(base, 'conf/tomcat-users.xml'), tomcatUsersXml(users, options));
  // A descriptor deploys the manager from where it lies without copying it into webapps/. Tomcat
  // then ignores the manager's own META-INF/context.xml, so the descriptor keeps its upstream
  // valve: loopback only, as docs/tomcat-manager.md says (the tests all come from 127.0.0.1).
  await writeFile(
    join(base, 'conf/Catalina/localhost/manager.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>\n<Context docBase="${xmlAttr(spawner.managerDocBase)}" privileged="true">\n` +
      '  <Valve className="org.apache.catalina.valves.RemoteCIDRValve" allow="127.0.0.0/8,::1/128"/>\n</Context>\n',
  );
  return { base, tls };
}

/** Instances not yet stopped: killed and removed when this process exits, whatever the tests did. */
const unstopped = new Set<LocalTomcat>();
process.on('exit', () => {
  for (const tomcat of unstopped) tomcat.killNow();
});

class LocalTomcat implements LocalTomcatInstance {
  readonly kind = 'local' as const;
  readonly line: TomcatLine;
  readonly baseUrl: string;
  readonly managerUrl: string;
  readonly user: string;
  readonly password: string;
  readonly httpsBaseUrl?: string;
  readonly httpsManagerUrl?: string;
  readonly caPem?: string;
  readonly caFile?: string;
  readonly clientCertFile?: string;
  readonly clientKeyFile?: string;
  startupMs = 0;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private removed = false;

  constructor(
    private readonly spawner: Launcher,
    readonly catalinaBase: string,
    readonly port: number,
    readonly users: Record<'script' | 'guiOnly', TomcatUser>,
    https: { port: number; files: TlsFiles } | undefined,
    private readonly javaOptions: readonly string[],
    readonly ajpPort?: number,
  ) {
    this.line = spawner.line;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.managerUrl = `${this.baseUrl}/manager`;
    this.user = users.script.name;
    this.password = users.script.password;
    if (https !== undefined) {
      this.httpsBaseUrl = `https://127.0.0.1:${https.port}`;
      this.httpsManagerUrl = `${this.httpsBaseUrl}/manager`;
      this.caPem = https.files.caPem;
      this.caFile = https.files.caFile;
      this.clientCertFile = https.files.client?.certFile;
      this.clientKeyFile = https.files.client?.keyFile;
    }
    unstopped.add(this);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Spawns the line's command (`catalina.sh run` for 10.1, `java ... Bootstrap start` for 9.0),
   * which is or execs the JVM, so the child's pid is the JVM's; its output goes to logs/catalina.out.
   */
  async start(): Promise<void> {
    if (this.removed) throw new Error(`Tomcat at ${this.catalinaBase} was stopped and removed`);
    const started = Date.now();
    const out = openSync(join(this.catalinaBase, 'logs/catalina.out'), 'a');
    const { file, args, env } = this.spawner.command(this.catalinaBase, this.javaOptions);
    // setpriv --pdeathsig: the kernel kills the JVM if this process dies without running its
    // 'exit' handlers (e.g. a vitest worker killed by SIGKILL or a time-out).
    const [cmd, cmdArgs] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', file, ...args]]
      : [file, args];
    const child = spawn(cmd, cmdArgs, { env, stdio: ['ignore', out, out] });
    closeSync(out);
    this.child = child;
    let exitNote: string | undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitNote = `the JVM exited (code ${code}, signal ${signal})`;
        resolve();
      });
      // A failed spawn may never emit 'exit'.
      child.once('error', (error) => {
        exitNote = `spawn failed: ${error.message}`;
        resolve();
      });
    });
    await waitForManager(this.managerUrl, this.users.script, {
      failure: () => exitNote,
      logTail: () => this.logTail(),
    });
    this.startupMs = Date.now() - started;
  }

  async logTail(chars = 4_000): Promise<string> {
    const text = await readFile(join(this.catalinaBase, 'logs/catalina.out'), 'utf8').catch(() => '');
    return text.slice(-chars);
  }

  /** Sends `signal`, waits for the exit; SIGKILL if the JVM is still there after 10 s. */
  private async halt(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill(signal);
    const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 10_000).unref());
    if ((await Promise.race([this.exited, timer])) === 'late') child.kill('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<void> {
    await this.halt('SIGTERM');
    unstopped.delete(this);
    if (keepBase() || this.removed) return;
    this.removed = true;
    await rm(this.catalinaBase, { recursive: true, force: true });
  }

  /** Synchronous last resort for process 'exit': SIGKILL, remove CATALINA_BASE. */
  killNow(): void {
    this.child?.kill('SIGKILL');
    if (!keepBase()) rmSync(this.catalinaBase, { recursive: true, force: true });
  }

  async kill(): Promise<void> {
    await this.halt('SIGKILL');
  }

  async restart(): Promise<void> {
    await this.halt('SIGTERM');
    await this.start();
  }
}
