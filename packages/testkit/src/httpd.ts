import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/**
 * A real Apache httpd 2.4 (Debian's apache2-bin) in front of test Tomcats, as the balancer
 * drivers' integration tests need it: `/usr/sbin/apache2 -f <private conf> -DFOREGROUND` (never
 * the system service), everything it writes in a private temp dir, on a free port of 127.0.0.1.
 */

export const APACHE2 = '/usr/sbin/apache2';
export const MODULES_DIR = '/usr/lib/apache2/modules';
const SETPRIV = '/usr/bin/setpriv';

/** How to get what the httpd tests need; part of every "no httpd" error. */
export const HTTPD_INSTALL_HINT = 'Install it with "apt-get install -y apache2-bin libapache2-mod-jk".';

/** Basic credentials the console asks for, when given. */
export interface ConsoleUser {
  name: string;
  password: string;
}

/** One member: a name (mod_jk's worker, mod_proxy_balancer's route, the Tomcat's jvmRoute) and its port. */
export interface HttpdMember {
  name: string;
  /** mod_jk: the Tomcat's AJP port; mod_proxy_balancer: its HTTP port. */
  port: number;
}

export type HttpdOptions =
  | {
      kind: 'mod_jk';
      members: readonly HttpdMember[];
      /** The lb worker's name. @defaultValue `lb` */
      balancer?: string;
      consoleUser?: ConsoleUser;
    }
  | {
      kind: 'mod_proxy_balancer';
      members: readonly HttpdMember[];
      /** The balancer's name, without `balancer://`. @defaultValue `shop` */
      balancer?: string;
      consoleUser?: ConsoleUser;
      /** Also `balancer://<name>` with the same members and `ProxySet nonce=None`. */
      noNonceBalancer?: string;
    };

export interface HttpdInstance {
  /** `http://127.0.0.1:PORT`: visitors reach the members through it. */
  readonly baseUrl: string;
  /** The console: `baseUrl + '/jkstatus'` or `baseUrl + '/balancer-manager'`. */
  readonly consoleUrl: string;
  /** The lb worker's or the balancer's name. */
  readonly balancer: string;
  readonly dir: string;
  /** The last lines of httpd's error log (and mod_jk's log), for failures. */
  logTail(): Promise<string>;
  /** SIGTERM (SIGKILL after 5 s), then removes the dir. */
  stop(): Promise<void>;
}

/** Why httpd cannot be started here, or undefined when it can. */
export function httpdMissing(kind: HttpdOptions['kind']): string | undefined {
  if (!existsSync(APACHE2)) return `${APACHE2} is missing`;
  if (kind === 'mod_jk' && !existsSync(join(MODULES_DIR, 'mod_jk.so')))
    return `${MODULES_DIR}/mod_jk.so is missing`;
  return undefined;
}

const COMMON_MODULES = ['mpm_event', 'authz_core', 'authn_core', 'authn_file', 'auth_basic', 'authz_user'];
const PROXY_MODULES = [
  'status',
  'proxy',
  'proxy_http',
  'proxy_balancer',
  'slotmem_shm',
  'lbmethod_byrequests',
];

/** `httpd.conf` for one start. Pure. */
export function httpdConf(options: HttpdOptions, dir: string, port: number): string {
  const modules = [...COMMON_MODULES, ...(options.kind === 'mod_jk' ? ['jk'] : PROXY_MODULES)];
  // As root, httpd's children need a user to switch to; www-data is Debian's.
  const asRoot = userInfo().uid === 0 ? ['User www-data', 'Group www-data'] : [];
  const auth = (location: string, handler: string) =>
    [
      `<Location ${location}>`,
      handler,
      ...(options.consoleUser === undefined
        ? ['  Require all granted']
        : [
            '  AuthType Basic',
            '  AuthName console',
            `  AuthUserFile ${dir}/htpasswd`,
            '  Require valid-user',
          ]),
      '</Location>',
    ].join('\n');
  return [
    `ServerRoot ${dir}`,
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    `PidFile ${dir}/httpd.pid`,
    `DefaultRuntimeDir ${dir}`,
    `ErrorLog ${dir}/error.log`,
    'LogLevel warn',
    ...asRoot,
    ...modules.map((name) => `LoadModule ${name}_module ${MODULES_DIR}/mod_${name}.so`),
    ...(options.kind === 'mod_jk' ? jkConf(options.balancer ?? 'lb', dir) : proxyConf(options)),
    options.kind === 'mod_jk'
      ? auth('/jkstatus', '')
      : auth('/balancer-manager', '  SetHandler balancer-manager'),
    '',
  ].join('\n');
}

function jkConf(lb: string, dir: string): string[] {
  return [
    `JkWorkersFile ${dir}/workers.properties`,
    `JkShmFile ${dir}/jk.shm`,
    `JkLogFile ${dir}/mod_jk.log`,
    'JkLogLevel info',
    'JkMount /jkstatus jkstatus',
    `JkMount /* ${lb}`,
    `JkUnMount /jkstatus ${lb}`,
  ];
}

function proxyConf(options: Extract<HttpdOptions, { kind: 'mod_proxy_balancer' }>): string[] {
  const balancer = (name: string, extra: string[]) => [
    `<Proxy balancer://${name}>`,
    ...options.members.map((m) => `  BalancerMember http://127.0.0.1:${m.port} route=${m.name}`),
    '  ProxySet stickysession=JSESSIONID|jsessionid',
    ...extra,
    '</Proxy>',
  ];
  return [
    ...balancer(options.balancer ?? 'shop', []),
    ...(options.noNonceBalancer === undefined
      ? []
      : balancer(options.noNonceBalancer, ['  ProxySet nonce=None'])),
    'ProxyPass /balancer-manager !',
    `ProxyPass / balancer://${options.balancer ?? 'shop'}/`,
  ];
}

/** `workers.properties`: the status worker and one lb worker with an ajp13 worker per member. Pure. */
export function workersProperties(lb: string, members: readonly HttpdMember[]): string {
  return [
    `worker.list=jkstatus,${lb}`,
    'worker.jkstatus.type=status',
    `worker.${lb}.type=lb`,
    `worker.${lb}.balance_workers=${members.map((m) => m.name).join(',')}`,
    ...members.flatMap((m) => [
      `worker.${m.name}.type=ajp13`,
      `worker.${m.name}.host=127.0.0.1`,
      `worker.${m.name}.port=${m.port}`,
    ]),
    '',
  ].join('\n');
}

/** Instances not yet stopped: killed and removed when this process exits. */
const running = new Set<Httpd>();
process.on('exit', () => {
  for (const httpd of running) httpd.killNow();
});

/**
 * Starts httpd and resolves once its console answers. A port taken between choosing and binding
 * it is retried with a new one. Throws, never skips, when apache2 or mod_jk is missing.
 */
export async function startHttpd(options: HttpdOptions): Promise<HttpdInstance> {
  const missing = httpdMissing(options.kind);
  if (missing !== undefined)
    throw new Error(`No Apache httpd for the balancer tests: ${missing}. ${HTTPD_INSTALL_HINT}`);
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-httpd-'));
    // httpd's children run as www-data when started as root: they read what is in here.
    await chmod(dir, 0o755);
    const port = await freePort();
    await writeFiles(options, dir, port);
    const httpd = new Httpd(options, dir, port);
    try {
      await httpd.start();
      return httpd;
    } catch (error) {
      await httpd.stop();
      if (!/could not bind|Address already in use/.test(String(error)) || attempt >= 3) throw error;
    }
  }
}

async function writeFiles(options: HttpdOptions, dir: string, port: number): Promise<void> {
  await writeFile(join(dir, 'httpd.conf'), httpdConf(options, dir, port));
  if (options.kind === 'mod_jk') {
    await writeFile(
      join(dir, 'workers.properties'),
      workersProperties(options.balancer ?? 'lb', options.members),
    );
  }
  if (options.consoleUser !== undefined) {
    // {SHA}: base64 of the password's SHA-1, which mod_authn_file reads; enough for a test.
    const sha = createHash('sha1').update(options.consoleUser.password).digest('base64');
    await writeFile(join(dir, 'htpasswd'), `${options.consoleUser.name}:{SHA}${sha}\n`);
  }
}

class Httpd implements HttpdInstance {
  readonly baseUrl: string;
  readonly consoleUrl: string;
  readonly balancer: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private exitNote: string | undefined;

  constructor(
    private readonly options: HttpdOptions,
    readonly dir: string,
    port: number,
  ) {
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.consoleUrl = `${this.baseUrl}/${options.kind === 'mod_jk' ? 'jkstatus' : 'balancer-manager'}`;
    this.balancer = options.balancer ?? (options.kind === 'mod_jk' ? 'lb' : 'shop');
    running.add(this);
  }

  async start(): Promise<void> {
    const args = ['-f', join(this.dir, 'httpd.conf'), '-DFOREGROUND'];
    // --pdeathsig: the kernel ends httpd if this process dies without its 'exit' handlers.
    const [cmd, cmdArgs] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', APACHE2, ...args]]
      : [APACHE2, args];
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitNote = `apache2 exited (code ${code}, signal ${signal}) ${stderr.trim()}`;
        resolve();
      });
      child.once('error', (error) => {
        this.exitNote = `spawn failed: ${error.message}`;
        resolve();
      });
    });
    await this.waitForConsole();
  }

  /** Polls the console every 100 ms for up to 15 s, until it answers (401 counts: it is there). */
  private async waitForConsole(): Promise<void> {
    const deadline = Date.now() + 15_000;
    let last = 'no answer yet';
    while (Date.now() < deadline) {
      if (this.exitNote !== undefined)
        throw new Error(`httpd did not start: ${this.exitNote}\n${await this.logTail()}`);
      try {
        const res = await fetch(this.consoleUrl, { signal: AbortSignal.timeout(2_000) });
        await res.arrayBuffer();
        if (res.status === 200 || res.status === 401) return;
        last = `HTTP ${res.status}`;
      } catch (error) {
        last = String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`httpd did not start within 15 s (last: ${last})\n${await this.logTail()}`);
  }

  async logTail(chars = 3_000): Promise<string> {
    const read = (name: string) => readFile(join(this.dir, name), 'utf8').catch(() => '');
    const jk =
      this.options.kind === 'mod_jk'
        ? `\n--- mod_jk.log ---\n${(await read('mod_jk.log')).slice(-chars)}`
        : '';
    return `--- error.log ---\n${(await read('error.log')).slice(-chars)}${jk}`;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 5_000).unref());
      if ((await Promise.race([this.exited, late])) === 'late') child.kill('SIGKILL');
      await this.exited;
    }
    running.delete(this);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort for process 'exit'. */
  killNow(): void {
    this.child?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * `httpd.conf` around a balancer's configuration of the caller's (e.g. one tomcat-pd generated):
 * the same private settings and modules as {@link httpdConf}, plus `authz_host` (`Require local`)
 * and `proxy_hcheck` for mod_proxy_balancer, then `Include <include>`. Pure.
 */
export function httpdConfAround(
  kind: HttpdOptions['kind'],
  dir: string,
  port: number,
  include: string,
): string {
  const modules = [
    ...COMMON_MODULES,
    'authz_host',
    ...(kind === 'mod_jk' ? ['jk'] : [...PROXY_MODULES, 'proxy_hcheck']),
  ];
  const asRoot = userInfo().uid === 0 ? ['User www-data', 'Group www-data'] : [];
  return [
    `ServerRoot ${dir}`,
    `Listen 127.0.0.1:${port}`,
    'ServerName 127.0.0.1',
    `PidFile ${dir}/httpd.pid`,
    `DefaultRuntimeDir ${dir}`,
    `ErrorLog ${dir}/error.log`,
    'LogLevel warn',
    ...asRoot,
    ...modules.map((name) => `LoadModule ${name}_module ${MODULES_DIR}/mod_${name}.so`),
    // mod_jk's log and shared memory in the private directory (its defaults are under /var/log).
    ...(kind === 'mod_jk' ? [`JkLogFile ${dir}/mod_jk.log`, `JkShmFile ${dir}/jk.shm`] : []),
    `Include ${include}`,
    '',
  ].join('\n');
}

/**
 * Starts httpd (as {@link startHttpd} does) around a balancer's configuration of the caller's,
 * written to `balancer.conf` in the private directory; resolves once the console
 * (`/jkstatus` or `/balancer-manager`, which the configuration must open to 127.0.0.1) answers.
 * `configOf` gets the directory and the free port httpd listens on.
 */
export async function startHttpdWithConfig(
  kind: HttpdOptions['kind'],
  configOf: (place: { dir: string; port: number }) => string | Promise<string>,
  balancer = 'tomcats',
): Promise<HttpdInstance> {
  const missing = httpdMissing(kind);
  if (missing !== undefined)
    throw new Error(`No Apache httpd for the balancer tests: ${missing}. ${HTTPD_INSTALL_HINT}`);
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-httpd-'));
  await chmod(dir, 0o755);
  const port = await freePort();
  const include = join(dir, 'balancer.conf');
  await writeFile(include, await configOf({ dir, port }));
  await writeFile(join(dir, 'httpd.conf'), httpdConfAround(kind, dir, port, include));
  const httpd = new Httpd({ kind, members: [], balancer }, dir, port);
  try {
    await httpd.start();
    return httpd;
  } catch (error) {
    await httpd.stop();
    throw error;
  }
}
