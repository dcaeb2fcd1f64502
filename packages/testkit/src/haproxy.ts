import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { testWarEntries, writeZip } from './test-war.js';

/** Debian's haproxy (bookworm: 2.6.12). */
export const HAPROXY_BIN = '/usr/sbin/haproxy';
export const HAPROXY_INSTALL_HINT = 'Install it with: apt-get install -y haproxy';
const SETPRIV = '/usr/bin/setpriv';

/** One server of the backend: a Tomcat whose `jvmRoute` is `name`. */
export interface HaproxyServer {
  /** The server's name in HAProxy, and the Tomcat's jvmRoute (session ids end in `.<name>`). */
  readonly name: string;
  readonly port: number;
  /** Whether HAProxy health-checks it; default true (`false`: `show stat` says `no check`). */
  readonly check?: boolean;
}

/** Options of {@link startHaproxy}. */
export interface HaproxyOptions {
  readonly servers: readonly HaproxyServer[];
  /** The backend's name; default `tomcats`. */
  readonly backend?: string;
  /** The health check's path: one that opens no session (a static file); default `/`. */
  readonly checkPath?: string;
}

/** A running HAProxy in the foreground, with a private configuration in its own directory. */
export interface HaproxyInstance {
  /** Where visitors go: `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly backend: string;
  /** The runtime API at `level admin`, a UNIX socket (mode 600). */
  readonly adminSocket: string;
  /** The same API over TCP on 127.0.0.1: `tcp://127.0.0.1:<port>`. */
  readonly tcpSocket: string;
  /** The runtime API at `level operator` (reads, but no state changes). */
  readonly operatorSocket: string;
  /** The private directory: haproxy.cfg, the sockets, haproxy.log. */
  readonly dir: string;
  readonly pid: number | undefined;
  /** Stops the process and starts it again on the same configuration: the states set at run time are lost. */
  restart(): Promise<void>;
  /** Kills the process and removes the directory. */
  stop(): Promise<void>;
  logTail(chars?: number): Promise<string>;
}

/** Why a real HAProxy cannot be had here, or undefined when it can. */
export function haproxyMissing(): string | undefined {
  return existsSync(HAPROXY_BIN) ? undefined : `${HAPROXY_BIN} is missing`;
}

/**
 * The private configuration. Stickiness follows Tomcat's own session route: a `JSESSIONID`
 * ending in `.<jvmRoute>` is sent to the server of that name by `use-server`, which HAProxy
 * skips only for a server that is down or in maintenance, so a sticky visitor keeps reaching a
 * drained server and is moved by MAINT. The cookie is not rewritten (unlike `cookie ... prefix`),
 * so the same session ids work with and without the balancer.
 */
export function haproxyConfig(dir: string, ports: Ports, options: HaproxyOptions): string {
  const backend = options.backend ?? 'tomcats';
  const lines = [
    'global',
    `  stats socket ${join(dir, 'admin.sock')} mode 600 level admin`,
    `  stats socket ${join(dir, 'operator.sock')} mode 600 level operator`,
    `  stats socket ipv4@127.0.0.1:${ports.stats} level admin`,
    '  stats timeout 30s',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 30s',
    '  timeout server 30s',
    'frontend web',
    `  bind 127.0.0.1:${ports.http}`,
    `  default_backend ${backend}`,
    `backend ${backend}`,
    '  balance roundrobin',
    `  option httpchk GET ${options.checkPath ?? '/'}`,
    ...options.servers.map(({ name }) => `  use-server ${name} if { req.cook(JSESSIONID) -m end .${name} }`),
    ...options.servers.map(
      ({ name, port, check }) =>
        `  server ${name} 127.0.0.1:${port}${check === false ? '' : ' check inter 300ms fall 2 rise 1'}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

interface Ports {
  readonly http: number;
  readonly stats: number;
}

/** Instances not yet stopped: killed and removed when this process exits, whatever the tests did. */
const unstopped = new Set<LocalHaproxy>();
process.on('exit', () => {
  for (const haproxy of unstopped) haproxy.killNow();
});

/**
 * Starts a real HAProxy (`haproxy -db -f <cfg>`: in the foreground, never a service) with a
 * private configuration in a fresh temp directory and free ports on 127.0.0.1, and resolves once
 * its admin socket answers. A port taken between choosing and binding it is retried with new ones.
 * @throws when /usr/sbin/haproxy is missing, with the command that installs it.
 */
export async function startHaproxy(options: HaproxyOptions): Promise<HaproxyInstance> {
  const missing = haproxyMissing();
  if (missing !== undefined) throw new Error(`No HAProxy for the tests: ${missing}. ${HAPROXY_INSTALL_HINT}`);
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-haproxy-'));
    const ports = { http: await freePort(), stats: await freePort() };
    await writeFile(join(dir, 'haproxy.cfg'), haproxyConfig(dir, ports, options));
    const haproxy = new LocalHaproxy(dir, ports, options.backend ?? 'tomcats');
    try {
      await haproxy.start();
      return haproxy;
    } catch (error) {
      const log = await haproxy.logTail();
      await haproxy.stop();
      if (!log.includes('cannot bind socket') || attempt >= 3) throw error;
    }
  }
}

class LocalHaproxy implements HaproxyInstance {
  readonly url: string;
  readonly adminSocket: string;
  readonly tcpSocket: string;
  readonly operatorSocket: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private removed = false;

  constructor(
    readonly dir: string,
    ports: Ports,
    readonly backend: string,
  ) {
    this.url = `http://127.0.0.1:${ports.http}`;
    this.adminSocket = join(dir, 'admin.sock');
    this.operatorSocket = join(dir, 'operator.sock');
    this.tcpSocket = `tcp://127.0.0.1:${ports.stats}`;
    unstopped.add(this);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const out = openSync(join(this.dir, 'haproxy.log'), 'a');
    const args = ['-db', '-f', join(this.dir, 'haproxy.cfg')];
    // setpriv --pdeathsig: the kernel kills HAProxy if this process dies without its 'exit' handlers.
    const [cmd, cmdArgs] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', HAPROXY_BIN, ...args]]
      : [HAPROXY_BIN, args];
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', out, out] });
    closeSync(out);
    this.child = child;
    let exitNote: string | undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        exitNote = `haproxy exited (code ${code}, signal ${signal})`;
        resolve();
      });
      child.once('error', (error) => {
        exitNote = `spawn failed: ${error.message}`;
        resolve();
      });
    });
    const deadline = Date.now() + 10_000;
    while (!(await answers(this.adminSocket))) {
      if (exitNote !== undefined || Date.now() > deadline) {
        throw new Error(
          `HAProxy did not start (${exitNote ?? 'no answer on its admin socket in 10 s'}):\n${await this.logTail()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async logTail(chars = 4_000): Promise<string> {
    const text = await readFile(join(this.dir, 'haproxy.log'), 'utf8').catch(() => '');
    return text.slice(-chars);
  }

  private async halt(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.halt();
    await this.start();
  }

  async stop(): Promise<void> {
    await this.halt();
    unstopped.delete(this);
    if (this.removed) return;
    this.removed = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort for process 'exit'. */
  killNow(): void {
    this.child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether a runtime API socket answers `show info` with HAProxy's name. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ path });
    let text = '';
    socket.setTimeout(1_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('error', () => resolve(false));
    socket.once('close', () => resolve(text.includes('Name: HAProxy')));
    socket.once('connect', () => socket.write('show info\n'));
  });
}

/**
 * The WAR behind the balancer in the HAProxy tests: the test WAR's `index.jsp` (a visit opens a
 * session, `label=... session=<id>.<jvmRoute>`), plus `health.txt`, a static file for HAProxy's
 * check that opens no session, `slow.jsp?ms=N`, which answers after N ms without a session (a
 * request in flight), and `logout.jsp`, which ends the visitor's session. Returns its path.
 */
export async function buildBalancedWar(
  dir: string,
  label: string,
  fileName = `${label}.war`,
): Promise<string> {
  const entries = testWarEntries(label);
  entries.push({ name: 'health.txt', data: Buffer.from('ok\n') });
  // A visitor who logs out: the session ends, the cookie naming it stays in the browser.
  entries.push({
    name: 'logout.jsp',
    data: Buffer.from('<%@ page contentType="text/plain; charset=UTF-8" %><% session.invalidate(); %>bye\n'),
  });
  entries.push({
    name: 'slow.jsp',
    data: Buffer.from(
      '<%@ page session="false" contentType="text/plain; charset=UTF-8" trimDirectiveWhitespaces="true" %>\n' +
        '<% Thread.sleep(Math.min(30000L, Long.parseLong(request.getParameter("ms")))); %>slept\n',
    ),
  });
  return writeZip(join(dir, fileName), entries);
}

/** Where {@link startHaproxyWithConfig} runs HAProxy: what the caller's configuration must use. */
export interface HaproxyPlace {
  /** The private directory (removed by `stop()`). */
  readonly dir: string;
  /** The admin socket the configuration must open (`stats socket <this> ... level admin`): the start waits for it. */
  readonly adminSocket: string;
  /** A free port of 127.0.0.1 for the frontend's `bind`. */
  readonly port: number;
}

/**
 * Starts a real HAProxy (as {@link startHaproxy} does) on a configuration of the caller's, e.g. one
 * that tomcat-pd generated: `configOf` gets the place (directory, admin socket, port) and returns
 * the text. The instance's `tcpSocket` and `operatorSocket` exist only if the text opens them.
 */
export async function startHaproxyWithConfig(
  configOf: (place: HaproxyPlace) => string | Promise<string>,
  backend = 'tomcats',
): Promise<HaproxyInstance> {
  const missing = haproxyMissing();
  if (missing !== undefined) throw new Error(`No HAProxy for the tests: ${missing}. ${HAPROXY_INSTALL_HINT}`);
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-haproxy-'));
  const port = await freePort();
  const haproxy = new LocalHaproxy(dir, { http: port, stats: 0 }, backend);
  try {
    await writeFile(
      join(dir, 'haproxy.cfg'),
      await configOf({ dir, adminSocket: haproxy.adminSocket, port }),
    );
    await haproxy.start();
    return haproxy;
  } catch (error) {
    await haproxy.stop();
    throw error;
  }
}
