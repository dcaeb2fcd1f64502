import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnForeground, type ForegroundProcess } from './ssh-foreground.js';
import type { SshdInstance } from './sshd.js';

/** util-linux (essential in Debian): a new network namespace, and commands run inside it. */
const UNSHARE_BIN = '/usr/bin/unshare';
const NSENTER_BIN = '/usr/bin/nsenter';
/** iproute2: a new network namespace's loopback interface is down until `ip link set lo up`. */
const IP_BIN = '/usr/sbin/ip';
export const SSH_NAMESPACE_INSTALL_HINT = 'Install them with: apt-get install -y util-linux iproute2';

/**
 * A TCP forwarder for plain Node (`node -e FORWARDER <listen> <target>`): each of `listen` and
 * `target` is a port of 127.0.0.1 (digits) or a UNIX socket's path. It prints `listening` once
 * it accepts connections. A connection's end or reset ends its other side, so that sshd dropping
 * a connection drops the client's too.
 */
const FORWARDER = `
const net = require('node:net');
const [listen, target] = process.argv.slice(1);
const address = (spec) => (/^\\d+$/.test(spec) ? { host: '127.0.0.1', port: Number(spec) } : { path: spec });
const server = net.createServer((client) => {
  const upstream = net.connect(address(target));
  client.pipe(upstream).pipe(client);
  for (const [one, other] of [[client, upstream], [upstream, client]]) {
    one.on('error', () => other.destroy());
    one.on('close', () => other.destroy());
  }
});
server.listen(address(listen), () => process.stdout.write('listening\\n'));
`;

/** Options of {@link SshOnlyNamespace.run}. */
export interface NamespaceRunOptions {
  /** Default: this process's environment. */
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** What a command run in the namespace did. */
export interface NamespaceRunResult {
  /** Null when a signal ended it. */
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * A network namespace where 127.0.0.1 has one open port, sshd's (the same number as on the
 * host): every other port of the host, a Tomcat's or a balancer's, refuses connections there.
 */
export interface SshOnlyNamespace {
  /** The pid of the process holding the namespace (the inner forwarder): `nsenter -t <pid> -n`. */
  readonly pid: number | undefined;
  /**
   * Runs `file args` inside the namespace (through `nsenter`) and resolves when it exits. The host
   * side of the bridge lives in a process of its own, so a test may await other things meanwhile.
   */
  run(file: string, args: readonly string[], options?: NamespaceRunOptions): Promise<NamespaceRunResult>;
  /** Kills both forwarders and removes the bridge's socket. */
  stop(): Promise<void>;
}

/** Why a namespace cannot be had here, or undefined when it can. */
export function sshOnlyNamespaceMissing(): string | undefined {
  const missing = [UNSHARE_BIN, NSENTER_BIN, IP_BIN].filter((file) => !existsSync(file));
  if (missing.length > 0) return `${missing.join(' and ')} missing`;
  return process.getuid?.() === 0 ? undefined : 'a network namespace (unshare --net) needs root';
}

/** Namespaces not yet stopped: their forwarders are killed when this process exits. */
const unstopped = new Set<ForegroundProcess>();
process.on('exit', () => {
  for (const forwarder of unstopped) forwarder.child.kill('SIGKILL');
});

let bridges = 0;

/**
 * Starts a network namespace (`unshare --net`, loopback up) where only `sshd`'s port is
 * reachable, to prove that a command reaches the host's ports through SSH alone. The filesystem
 * is shared across network namespaces, so the port crosses over a UNIX socket in sshd's
 * directory: a forwarder on the host from the socket to 127.0.0.1:<port>, and one inside from
 * 127.0.0.1:<port> to the socket. Resolves once both listen. Needs root.
 */
export async function startSshOnlyNamespace(
  sshd: Pick<SshdInstance, 'dir' | 'port'>,
): Promise<SshOnlyNamespace> {
  const missing = sshOnlyNamespaceMissing();
  if (missing !== undefined) {
    throw new Error(`No network namespace for the tests: ${missing}. ${SSH_NAMESPACE_INSTALL_HINT}`);
  }
  const socket = join(sshd.dir, `namespace-bridge-${++bridges}.sock`);
  const port = String(sshd.port);
  const started: ForegroundProcess[] = [];
  try {
    started.push(await startForwarder(process.execPath, ['-e', FORWARDER, socket, port]));
    const inside = ['-c', `${IP_BIN} link set lo up && exec "$@"`, 'sh', process.execPath, '-e', FORWARDER];
    started.push(await startForwarder(UNSHARE_BIN, ['--net', '--', '/bin/sh', ...inside, port, socket]));
  } catch (error) {
    await stopAll(started, socket);
    throw error;
  }
  const inner = started[1]?.child.pid;
  return {
    pid: inner,
    run: (file, args, options = {}) => runIn(`${inner}`, file, args, options),
    stop: () => stopAll(started, socket),
  };
}

async function stopAll(forwarders: readonly ForegroundProcess[], socket: string): Promise<void> {
  for (const forwarder of forwarders) {
    await forwarder.kill();
    unstopped.delete(forwarder);
  }
  await rm(socket, { force: true });
}

/** Spawns a forwarder and resolves once it prints `listening`; rejects with its stderr if it exits first. */
async function startForwarder(file: string, args: readonly string[]): Promise<ForegroundProcess> {
  const forwarder = spawnForeground(file, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  unstopped.add(forwarder);
  const { stdout, stderr } = forwarder.child;
  let said = '';
  stderr?.on('data', (chunk: Buffer) => (said += chunk.toString('utf8')));
  const listening = new Promise<void>((resolve, reject) => {
    let out = '';
    stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('listening\n')) resolve();
    });
    const early = () =>
      reject(
        new Error(`The forwarder ${file} ${forwarder.exitNote() ?? 'exited'} before it listened:\n${said}`),
      );
    forwarder.child.once('exit', early).once('error', early);
  });
  await listening.catch((error: unknown) => {
    unstopped.delete(forwarder);
    throw error;
  });
  return forwarder;
}

async function runIn(
  namespacePid: string,
  file: string,
  args: readonly string[],
  options: NamespaceRunOptions,
): Promise<NamespaceRunResult> {
  const command = spawnForeground(NSENTER_BIN, ['--target', namespacePid, '--net', '--', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  let stdout = '';
  let stderr = '';
  command.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  command.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve) => {
    command.child.once('close', resolve).once('error', (error) => {
      stderr += error.message;
      resolve(null);
    });
  });
  return { exitCode, stdout, stderr };
}
