import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

export const NGINX_BIN = '/usr/sbin/nginx';
const SETPRIV = '/usr/bin/setpriv';

/** Options of `startNginx`. */
export interface NginxOptions {
  /** Writes the managed file before nginx starts (nginx will not start while an include is missing). */
  writeManagedFile: (file: string) => Promise<unknown>;
  /** Worker processes (default 2: a reload then has old and new workers side by side). */
  workers?: number;
}

/** A private nginx, in the foreground, in a temporary directory. */
export interface NginxInstance {
  readonly dir: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>`: the `url` of the balancer's options. */
  readonly url: string;
  /** The managed file, included in the http block. */
  readonly file: string;
  /** `nginx -p DIR -c CONF -t` for this instance. */
  readonly test: readonly string[];
  /** `nginx -p DIR -c CONF -s reload` for this instance. */
  readonly reload: readonly string[];
  readonly pid: number | undefined;
  /** The end of error.log (reloads, failed configurations). */
  logTail(chars?: number): Promise<string>;
  /** Kills nginx and removes the directory. */
  stop(): Promise<void>;
}

/**
 * The configuration a user writes (docs/balancers/nginx.md): the managed file included in the
 * http block; a server block that proxies through the file's map and answers the marker. It
 * leaves out the `proxy_set_header Host $host` the page recommends, so that the tests prove
 * the upstream names Tomcat gets as the Host header by default. `X-Upstream` says which Tomcat
 * answered, for a person debugging a test. Every path nginx writes lies inside `dir`; `user root` because a master run as root would otherwise
 * switch its workers to `nobody`, who cannot read the temporary directory.
 */
export function nginxConf(dir: string, port: number, workers: number): string {
  return `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/tomcat-pd.conf;
  server {
    listen 127.0.0.1:${port};
    location = /tomcat-pd/generation {
      allow 127.0.0.1;
      deny all;
      return 200 "$tomcat_pd_generation $pid\\n";
    }
    location / {
      proxy_pass http://$tomcat_pd_upstream;
      add_header X-Upstream $upstream_addr always;
    }
  }
}
`;
}

/** Instances not stopped yet: killed and removed when the process exits, whatever the tests did. */
const running = new Set<NginxHandle>();
process.on('exit', () => {
  for (const instance of running) instance.killNow();
});

/**
 * Starts `nginx -e stderr -p DIR -c DIR/nginx.conf -g 'daemon off;'` (never the system's
 * service) on a free port, and resolves once it answers the marker. A port taken between choosing
 * and binding is retried with another.
 */
export async function startNginx(options: NginxOptions): Promise<NginxInstance> {
  if (!existsSync(NGINX_BIN)) {
    throw new Error(`${NGINX_BIN} is missing: install nginx (apt-get install -y nginx) to run these tests.`);
  }
  for (let attempt = 1; ; attempt++) {
    const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-nginx-'));
    const port = await freePort();
    await mkdir(join(dir, 'logs'));
    await writeFile(join(dir, 'nginx.conf'), nginxConf(dir, port, options.workers ?? 2));
    const instance = new NginxHandle(dir, port);
    try {
      await options.writeManagedFile(instance.file);
      await instance.start();
      return instance;
    } catch (error) {
      const log = await instance.logTail();
      await instance.stop();
      if (!log.includes('Address already in use') || attempt >= 3) throw error;
    }
  }
}

class NginxHandle implements NginxInstance {
  readonly url: string;
  readonly file: string;
  readonly test: readonly string[];
  readonly reload: readonly string[];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.file = join(dir, 'tomcat-pd.conf');
    const base = [NGINX_BIN, '-p', dir, '-c', join(dir, 'nginx.conf')];
    this.test = [...base, '-t', '-q'];
    this.reload = [...base, '-s', 'reload'];
    running.add(this);
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const args = ['-e', 'stderr', '-p', this.dir, '-c', join(this.dir, 'nginx.conf'), '-g', 'daemon off;'];
    // setpriv --pdeathsig: the kernel kills nginx's master if this process dies without its
    // 'exit' handlers; the workers follow their master.
    const [cmd, cmdArgs] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', NGINX_BIN, ...args]]
      : [NGINX_BIN, args];
    // Its own process group, so that the workers go too when the master is killed outright.
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`nginx exited at start: ${this.stderr.trim() || (await this.logTail())}`);
      }
      const answered = await fetch(`${this.url}/tomcat-pd/generation`).then(
        (response) => response.ok,
        () => false,
      );
      if (answered) return;
      if (Date.now() > deadline) throw new Error(`nginx did not answer within 10 s: ${await this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async logTail(chars = 4_000): Promise<string> {
    const log = await readFile(join(this.dir, 'error.log'), 'utf8').catch(() => '');
    return `${this.stderr}${log}`.slice(-chars);
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      // SIGTERM is nginx's fast shutdown: the master ends its workers before it exits.
      child.kill('SIGTERM');
      const late = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), 5_000).unref());
      if ((await Promise.race([this.exited, late])) === 'late') this.killGroup();
      await this.exited;
    }
    running.delete(this);
    await rm(this.dir, { recursive: true, force: true });
  }

  private killGroup(): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is gone already.
    }
  }

  /** Synchronous last resort for process 'exit'. */
  killNow(): void {
    this.killGroup();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Where {@link startNginxWithConfig} runs nginx: what the caller's server block and balancer use. */
export interface NginxPlace {
  readonly dir: string;
  /** A free port of 127.0.0.1 for the server block's `listen`. */
  readonly port: number;
  readonly url: string;
  /** The managed file's path: the balancer's `file`. */
  readonly file: string;
  /** The balancer's `test` and `reload` commands for this instance. */
  readonly test: readonly string[];
  readonly reload: readonly string[];
}

/**
 * Starts nginx (as {@link startNginx} does) on an `http` block of the caller's, e.g. one
 * tomcat-pd generated: `configOf` gets the place and returns what goes in the `http` block
 * (it must answer the generation marker, which the start waits for, and include the managed
 * file, which it must have written). Every path nginx writes lies inside the place's `dir`.
 */
export async function startNginxWithConfig(
  configOf: (place: NginxPlace) => string | Promise<string>,
): Promise<NginxInstance> {
  if (!existsSync(NGINX_BIN)) {
    throw new Error(`${NGINX_BIN} is missing: install nginx (apt-get install -y nginx) to run these tests.`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-nginx-'));
  const port = await freePort();
  await mkdir(join(dir, 'logs'));
  const instance = new NginxHandle(dir, port);
  try {
    const http = await configOf(instance);
    await writeFile(join(dir, 'http.conf'), http);
    await writeFile(
      join(dir, 'nginx.conf'),
      `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 2;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  include ${dir}/http.conf;
}
`,
    );
    await instance.start();
    return instance;
  } catch (error) {
    await instance.stop();
    throw error;
  }
}
