import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { spawnForeground, type ForegroundProcess } from './ssh-foreground.js';
import {
  generateKeyPair,
  hashKnownHosts,
  sha256Fingerprint,
  SSH_KEYGEN_BIN,
  type SshKeyPair,
  type SshKeyType,
} from './ssh-keys.js';
import { childrenOf, descendantsOf } from './ssh-processes.js';

/** Debian's OpenSSH server (bookworm: 9.2). */
export const SSHD_BIN = '/usr/sbin/sshd';
export const SSHD_INSTALL_HINT = 'Install it with: apt-get install -y openssh-server';
/** sshd's privilege separation directory (Debian's service creates it; a foreground sshd needs it too). */
const PRIVSEP_DIR = '/run/sshd';

export type { SshKeyType } from './ssh-keys.js';

/** Options of {@link startSshd}. */
export interface SshdOptions {
  /** The host keys sshd offers, each type once; default `['ed25519']`. */
  readonly hostKeyTypes?: readonly SshKeyType[];
  /** Encrypts the client's private key with this passphrase; default none. */
  readonly clientKeyPassphrase?: string;
  /** `AllowTcpForwarding yes|no` (what `ssh -L`/`-W` and direct-tcpip channels need); default true. */
  readonly allowTcpForwarding?: boolean;
  /** `AllowStreamLocalForwarding yes|no` (forwarding to a UNIX socket); default true. */
  readonly allowStreamLocalForwarding?: boolean;
}

/** Options of {@link SshdInstance.knownHostsFile}. */
export interface KnownHostsOptions {
  /** Hash the host names (`ssh-keygen -H`: `|1|salt|hash` lines); default false. */
  readonly hashed?: boolean;
  /** Pin another ed25519 key for the host instead of its own: a changed host key; default false. */
  readonly wrongKey?: boolean;
}

/** A running OpenSSH server in the foreground on 127.0.0.1, with a private configuration and keys. */
export interface SshdInstance {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The only user who may log in: the OS user running the tests. */
  readonly user: string;
  /** `user@127.0.0.1:port`. */
  readonly destination: string;
  /** The private directory: sshd_config, the keys, sshd.log. */
  readonly dir: string;
  /** The listener's pid. */
  readonly pid: number | undefined;
  /** The client's private key, the only one authorized. */
  readonly clientKeyFile: string;
  /** The client's public key line (the line of authorized_keys). */
  readonly clientPublicKey: string;
  /** The host's public key lines, one per host key type, in the order of `hostKeyTypes`. */
  readonly hostPublicKeys: readonly string[];
  /** The `SHA256:...` fingerprint of each host key, in the same order. */
  readonly hostFingerprints: readonly string[];
  /** Writes a known_hosts file for `[127.0.0.1]:port` and returns its path. */
  knownHostsFile(options?: KnownHostsOptions): Promise<string>;
  /** sshd's stderr so far (`-e`, LogLevel VERBOSE). */
  logText(): string;
  /** The number of `Accepted publickey for` lines in the log: the logins (handshakes) so far. */
  acceptedLogins(): number;
  /** The pids of the per-connection processes (the listener's children): one per open connection. */
  connectionPids(): number[];
  /**
   * SIGKILLs every connection's processes (each child of the listener and what it started), which
   * drops every open SSH connection at once while the listener keeps accepting new ones. Resolves,
   * once they are gone, to the number of connections dropped.
   */
  killConnections(): Promise<number>;
  /** Kills sshd and removes the directory. */
  stop(): Promise<void>;
}

/** Why a real sshd cannot be had here, or undefined when it can. */
export function sshdMissing(): string | undefined {
  const missing = [SSHD_BIN, SSH_KEYGEN_BIN].filter((file) => !existsSync(file));
  return missing.length === 0 ? undefined : `${missing.join(' and ')} missing`;
}

/** What the configuration needs to know besides the options. */
interface SshdPlace {
  readonly dir: string;
  readonly user: string;
  readonly hostKeyFiles: readonly string[];
}

const yesNo = (value: boolean | undefined): string => (value === false ? 'no' : 'yes');

/**
 * The private configuration: public key logins of one user with one key, nothing else. The
 * port comes from `-p`. PAM is off so that no system configuration takes part.
 */
export function sshdConfig(place: SshdPlace, options: SshdOptions = {}): string {
  const lines = [
    'ListenAddress 127.0.0.1',
    ...place.hostKeyFiles.map((file) => `HostKey ${file}`),
    'PidFile none',
    `AuthorizedKeysFile ${join(place.dir, 'authorized_keys')}`,
    'StrictModes no',
    `AllowUsers ${place.user}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    `AllowTcpForwarding ${yesNo(options.allowTcpForwarding)}`,
    `AllowStreamLocalForwarding ${yesNo(options.allowStreamLocalForwarding)}`,
    'Subsystem sftp internal-sftp',
    'LogLevel VERBOSE',
  ];
  return `${lines.join('\n')}\n`;
}

/** Instances not yet stopped: killed and removed when this process exits, whatever the tests did. */
const unstopped = new Set<LocalSshd>();
process.on('exit', () => {
  for (const sshd of unstopped) sshd.killNow();
});

/**
 * Starts a real sshd (`sshd -D -e -f <sshd_config> -p <port>`: in the foreground, never the
 * service) on a free port of 127.0.0.1, with fresh host and client keys in a fresh temp
 * directory, and resolves once it listens. A port taken between choosing and binding it is
 * retried with a new one. Needs root (privilege separation, and /run/sshd).
 * @throws when /usr/sbin/sshd is missing or exits early, with its stderr and the install hint.
 */
export async function startSshd(options: SshdOptions = {}): Promise<SshdInstance> {
  const missing = sshdMissing();
  if (missing !== undefined) throw new Error(`No sshd for the tests: ${missing}. ${SSHD_INSTALL_HINT}`);
  const types = options.hostKeyTypes ?? ['ed25519'];
  // Without a HostKey line sshd would offer the machine's own keys from /etc/ssh.
  if (types.length === 0 || new Set(types).size !== types.length) {
    throw new Error(`hostKeyTypes must name each key type once, not [${types.join(', ')}]`);
  }
  mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-sshd-'));
  try {
    const keys = await generateKeys(dir, types, options.clientKeyPassphrase);
    const user = userInfo().username;
    await writeFile(join(dir, 'authorized_keys'), `${keys.client.publicKey}\n`);
    const hostKeyFiles = keys.host.map((key) => key.file);
    await writeFile(join(dir, 'sshd_config'), sshdConfig({ dir, user, hostKeyFiles }, options));
    for (let attempt = 1; ; attempt++) {
      const sshd = new LocalSshd(dir, await freePort(), user, keys);
      try {
        await sshd.start();
        return sshd;
      } catch (error) {
        await sshd.halt();
        unstopped.delete(sshd);
        if (!sshd.logText().includes('Address already in use') || attempt >= 3) throw error;
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface SshdKeys {
  readonly host: readonly SshKeyPair[];
  readonly hostFingerprints: readonly string[];
  readonly client: SshKeyPair;
}

async function generateKeys(
  dir: string,
  types: readonly SshKeyType[],
  clientKeyPassphrase: string | undefined,
): Promise<SshdKeys> {
  const host = await Promise.all(types.map((type) => generateKeyPair(type, join(dir, `host_${type}`))));
  return {
    host,
    hostFingerprints: await Promise.all(host.map((key) => sha256Fingerprint(`${key.file}.pub`))),
    client: await generateKeyPair('ed25519', join(dir, 'client_ed25519'), clientKeyPassphrase),
  };
}

class LocalSshd implements SshdInstance {
  readonly host = '127.0.0.1';
  readonly destination: string;
  readonly clientKeyFile: string;
  readonly clientPublicKey: string;
  readonly hostPublicKeys: readonly string[];
  readonly hostFingerprints: readonly string[];
  private readonly logFile: string;
  private process: ForegroundProcess | undefined;
  private knownHostsFiles = 0;
  private removed = false;

  constructor(
    readonly dir: string,
    readonly port: number,
    readonly user: string,
    keys: SshdKeys,
  ) {
    this.destination = `${user}@127.0.0.1:${port}`;
    this.clientKeyFile = keys.client.file;
    this.clientPublicKey = keys.client.publicKey;
    this.hostPublicKeys = keys.host.map((key) => key.publicKey);
    this.hostFingerprints = keys.hostFingerprints;
    this.logFile = join(dir, `sshd-${port}.log`);
    unstopped.add(this);
  }

  get pid(): number | undefined {
    return this.process?.child.pid;
  }

  /**
   * sshd binds and listens before it logs `Server listening on`, so the line says the port
   * accepts connections, without a probe connection that would leave a connection process behind.
   */
  async start(): Promise<void> {
    const out = openSync(this.logFile, 'a');
    const args = ['-D', '-e', '-f', join(this.dir, 'sshd_config'), '-p', String(this.port)];
    this.process = spawnForeground(SSHD_BIN, args, { stdio: ['ignore', out, out] });
    closeSync(out);
    const deadline = Date.now() + 10_000;
    while (!this.logText().includes(`Server listening on 127.0.0.1 port ${this.port}.`)) {
      const exitNote = this.process.exitNote();
      if (exitNote !== undefined || Date.now() > deadline) {
        throw new Error(
          `sshd did not start (${exitNote === undefined ? 'not listening after 10 s' : `sshd ${exitNote}`}; ` +
            `${SSHD_INSTALL_HINT}):\n${this.logText()}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  logText(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  acceptedLogins(): number {
    return this.logText()
      .split('\n')
      .filter((line) => line.startsWith('Accepted publickey for ')).length;
  }

  connectionPids(): number[] {
    const pid = this.pid;
    return pid === undefined ? [] : childrenOf(pid);
  }

  async killConnections(): Promise<number> {
    const pid = this.pid;
    if (pid === undefined) return 0;
    const connections = childrenOf(pid);
    // A connection's network socket is also held by its session process (a grandchild): kill it all.
    for (const descendant of descendantsOf(pid)) killQuietly(descendant);
    const deadline = Date.now() + 5_000;
    while (this.connectionPids().some((child) => connections.includes(child))) {
      if (Date.now() > deadline)
        throw new Error(`sshd's connection processes ${connections.join(' ')} survived SIGKILL`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return connections.length;
  }

  async knownHostsFile(options: KnownHostsOptions = {}): Promise<string> {
    const file = join(this.dir, `known_hosts-${++this.knownHostsFiles}`);
    const keys = options.wrongKey === true ? [await this.otherHostKey()] : this.hostPublicKeys;
    // The line's key without the key's comment: `[127.0.0.1]:port <algorithm> <base64>`.
    const lines = keys.map((key) => `[127.0.0.1]:${this.port} ${key.split(' ').slice(0, 2).join(' ')}\n`);
    await writeFile(file, lines.join(''));
    if (options.hashed === true) await hashKnownHosts(file);
    return file;
  }

  private async otherHostKey(): Promise<string> {
    const file = join(this.dir, 'other_host_ed25519');
    return existsSync(`${file}.pub`)
      ? readFileSync(`${file}.pub`, 'utf8').trim()
      : (await generateKeyPair('ed25519', file)).publicKey;
  }

  async halt(): Promise<void> {
    await this.process?.kill();
  }

  async stop(): Promise<void> {
    const pid = this.pid;
    // The connections outlive their listener: end them too.
    const connections = pid === undefined ? [] : descendantsOf(pid);
    await this.halt();
    for (const connection of connections) killQuietly(connection);
    unstopped.delete(this);
    if (this.removed) return;
    this.removed = true;
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Synchronous last resort for process 'exit'. */
  killNow(): void {
    const pid = this.pid;
    if (pid !== undefined) for (const each of [pid, ...descendantsOf(pid)]) killQuietly(each);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** SIGKILL, where the process may have ended meanwhile. */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
