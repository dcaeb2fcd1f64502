import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
// ssh2 is CommonJS whose exports Node cannot name statically: through its default export.
import ssh2, { type Client, type ClientChannel, type ConnectConfig, type ParsedKey } from 'ssh2';
import type { Logger } from '../common/logger.js';
import { SshError, usageError } from '../errors/error-classes.js';
import {
  hostKeyFingerprint,
  hostKeyType,
  judgeHostKey,
  knownHostsName,
  knownKeyTypes,
  parseKnownHosts,
  type HostKeyVerdict,
} from './known-hosts.js';
import { refusedChannel, sshdFailure, type ChannelKind } from './ssh-failures.js';
import type { SshSpec } from './ssh-options.js';
import { scavengedWhileWritten } from './young-buffers.js';

/** ssh2's host key algorithms, in its order of preference. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** The algorithms that prove a key of a known_hosts key type (an RSA key signs in three ways). */
function algorithmsOf(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType];
}

/** What is sent between two keepalives, and how many may go unanswered before the connection counts as dropped. */
const KEEPALIVE = { keepaliveInterval: 15_000, keepaliveCountMax: 3 };

/**
 * One SSH connection to one host, opened at the first channel asked for and opened again after
 * it dropped (the next channel reconnects): `serve` and `drain --every` live through a restart
 * of sshd or a network hiccup. Every channel of the process to this host goes through it.
 */
export class SshConnection {
  readonly #spec: SshSpec;
  readonly #logger: Logger;
  #client: Promise<Client> | undefined;

  constructor(spec: SshSpec, logger: Logger) {
    this.#spec = spec;
    this.#logger = logger;
  }

  /** A TCP connection that sshd makes from the host to `host:port`. */
  forwardTcp(host: string, port: number): Promise<Duplex> {
    return this.#channel({ kind: 'tcp', address: `${host}:${port}` }, (client, done) =>
      client.forwardOut('127.0.0.1', 0, host, port, done),
    );
  }

  /** A connection that sshd makes on the host to the UNIX socket at `path`. */
  forwardSocket(path: string): Promise<Duplex> {
    return this.#channel({ kind: 'socket', address: path }, (client, done) =>
      client.openssh_forwardOutStreamLocal(path, done),
    );
  }

  /** A session channel running `command` on the host (its stdout, `.stderr`, and `exit`). */
  exec(command: string): Promise<ClientChannel> {
    return this.#channel({ kind: 'session', address: 'a command' }, (client, done) =>
      client.exec(command, done),
    );
  }

  /** Ends the connection; a later channel would open a new one. */
  close(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return Promise.resolve();
    return client.then(
      (open) =>
        new Promise<void>((resolve) => {
          open.once('close', () => resolve());
          open.end();
          // sshd may not answer the disconnect: do not wait for it past a moment.
          setTimeout(resolve, 1_000).unref();
        }),
      () => undefined,
    );
  }

  async #channel(
    channel: { kind: ChannelKind; address: string },
    open: (client: Client, done: (error: Error | undefined, stream: ClientChannel) => void) => void,
  ): Promise<ClientChannel> {
    const connected = this.#connected();
    const client = await connected;
    this.#logger.debug?.(`ssh ${this.#spec.label}: channel to ${channel.address}`);
    return new Promise<ClientChannel>((resolve, reject) => {
      try {
        open(client, (error, stream) => {
          if (error === undefined) resolve(scavengedWhileWritten(stream));
          else reject(refusedChannel(this.#spec.label, channel, error));
        });
      } catch (error) {
        // ssh2 throws at once when the connection closed under us: the next channel reconnects.
        this.#forget(connected);
        reject(refusedChannel(this.#spec.label, channel, error));
      }
    });
  }

  /** The open connection, or one being opened; a connection that failed or closed is forgotten. */
  #connected(): Promise<Client> {
    if (this.#client === undefined) {
      const connecting: Promise<Client> = this.#connect(() => this.#forget(connecting)).catch(
        (error: unknown) => {
          this.#forget(connecting);
          throw error;
        },
      );
      this.#client = connecting;
    }
    return this.#client;
  }

  /** Forgets `connection` if it is still the current one (a newer one stays). */
  #forget(connection: Promise<Client>): void {
    if (this.#client === connection) this.#client = undefined;
  }

  async #connect(onClose: () => void): Promise<Client> {
    const spec = this.#spec;
    const { host, port, user } = spec.destination;
    const [privateKey, knownHosts] = await Promise.all([this.#privateKey(), this.#knownHosts()]);
    const preferred = knownKeyTypes(knownHosts, host, port).flatMap(algorithmsOf);
    // The key sshd offered and what the known hosts say of it, once it has offered one.
    let offered: { key: Buffer; verdict: HostKeyVerdict } | undefined;
    const config: ConnectConfig = {
      host,
      port,
      username: user,
      privateKey,
      passphrase: spec.passphrase,
      agent: privateKey === undefined ? spec.agentSocket : undefined,
      readyTimeout: spec.connectTimeoutMs,
      ...KEEPALIVE,
      // Prefer the key types the known hosts hold for this host, as OpenSSH's client does: a host
      // with an ed25519 and an RSA key, known by its RSA key only, is then verified, not "changed".
      algorithms: {
        serverHostKey: [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])] as never,
      },
      hostVerifier: (key: Buffer) => {
        const verdict = judgeHostKey(knownHosts, host, port, key);
        offered = { key, verdict };
        this.#logger.debug?.(
          `ssh ${spec.label}: host key ${hostKeyFingerprint(key)} (${hostKeyType(key)}): ${verdict.kind}` +
            ('line' in verdict ? ` (${spec.knownHostsFile} line ${verdict.line})` : ''),
        );
        return verdict.kind === 'known';
      },
    };
    this.#logger.debug?.(
      `ssh ${spec.label}: connecting (${spec.keyFile === undefined ? 'the agent' : `key ${spec.keyFile}`}, known hosts ${spec.knownHostsFile})`,
    );
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error & { level?: string; code?: unknown }) => {
        client.removeListener('ready', onReady);
        client.end();
        reject(
          offered === undefined || offered.verdict.kind === 'known'
            ? sshdFailure(spec, error)
            : hostKeyRefusal(spec, offered.verdict, offered.key),
        );
      };
      const onReady = () => {
        client.removeListener('error', onError);
        resolve();
      };
      client.once('error', onError);
      client.once('ready', onReady);
      client.connect(config);
      // ssh2 leaves Nagle's algorithm on: a small packet written while the one before is not yet
      // acknowledged waits for sshd's delayed ACK (40 ms on Linux), at nearly every step of the
      // login. With it on, a login to a local sshd took ~220 ms instead of ~50 (bench/RESULTS.md:
      // issue 22). Set before the socket connects: Node applies it once it has.
      client.setNoDelay(true);
    });
    this.#logger.debug?.(`ssh ${spec.label}: connected`);
    // After the handshake an error is one of the connection's end: the next channel reconnects.
    client.on('error', (error) => this.#logger.debug?.(`ssh ${spec.label}: ${error.message}`));
    client.once('close', () => {
      this.#logger.debug?.(`ssh ${spec.label}: connection closed`);
      onClose();
    });
    return client;
  }

  /** The key file's private key, parsed here so that a bad file or passphrase is named before connecting. */
  async #privateKey(): Promise<Buffer | undefined> {
    const { keyFile, passphrase } = this.#spec;
    if (keyFile === undefined) return undefined;
    let text: Buffer;
    try {
      text = await readFile(keyFile);
    } catch (error) {
      throw usageError(
        `The SSH key file ${keyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
    const key: ParsedKey | Error = ssh2.utils.parseKey(text, passphrase);
    if (key instanceof Error) {
      throw usageError(
        `The SSH key file ${keyFile} is not a private key that can be read ${passphrase === undefined ? 'without a passphrase' : 'with the passphrase given'}.`,
        'Give the private key (not the .pub file) and, when it is encrypted, its passphrase.',
      );
    }
    if (!key.isPrivateKey()) {
      throw usageError(`The SSH key file ${keyFile} holds a public key: give the private key file.`);
    }
    return text;
  }

  async #knownHosts() {
    const file = this.#spec.knownHostsFile;
    try {
      return parseKnownHosts(await readFile(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw usageError(
        `The known hosts file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      );
    }
  }
}

/** The host key refused: unknown (with how to add it), changed (loudly), or revoked. */
function hostKeyRefusal(
  spec: SshSpec,
  verdict: Exclude<HostKeyVerdict, { kind: 'known' }>,
  key: Buffer,
): SshError {
  const { host, port } = spec.destination;
  const name = knownHostsName(host, port);
  const shown = `${hostKeyFingerprint(key)} (${hostKeyType(key)})`;
  const file = spec.knownHostsFile;
  const destination = spec.label;
  switch (verdict.kind) {
    case 'unknown':
      return new SshError(
        `The host key of ${name} is not in ${file}: it offers ${shown}. Nothing was sent.`,
        { refusal: 'unknown-host-key', destination },
        {
          hint:
            `Compare that fingerprint with the host's own (there: ssh-keygen -l -f /etc/ssh/ssh_host_${hostKeyFileType(hostKeyType(key))}_key.pub), ` +
            `then add it: ssh-keyscan -H${port === 22 ? '' : ` -p ${port}`} -t ${hostKeyType(key)} ${host} >> ${file}`,
        },
      );
    case 'changed':
      return new SshError(
        `THE HOST KEY OF ${name} HAS CHANGED: it offers ${shown}, but ${file} line ${verdict.line} holds another key (${verdict.knownKeyType}). ` +
          'Someone may be intercepting the connection, or the host was reinstalled. Nothing was sent.',
        { refusal: 'changed-host-key', destination },
        {
          hint: `Only when the change is known to be legitimate: ssh-keygen -R '${name}' -f ${file}, then add the new key after checking its fingerprint.`,
        },
      );
    case 'revoked':
      return new SshError(
        `The host key of ${name} (${shown}) is marked @revoked in ${file} line ${verdict.line}. Nothing was sent.`,
        { refusal: 'revoked-host-key', destination },
      );
  }
}

/** The word of a key type in sshd's host key file names (`ssh_host_ed25519_key`): `ssh-rsa` → `rsa`, `ecdsa-sha2-nistp256` → `ecdsa`. */
function hostKeyFileType(keyType: string): string {
  return keyType.replace(/^ssh-/, '').split('-')[0] ?? keyType;
}
