import { createHash, createHmac } from 'node:crypto';
import { InternalError } from '../errors/internal-error.js';

// OpenSSH's known_hosts, read as its client reads it: sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT", and
// hostfile.c/match.c of OpenSSH for what the page leaves open (which lines are skipped, how a
// hashed name is compared, what makes a key "changed"). The fixtures under
// packages/core/test/fixtures/ssh/ were written and hashed by ssh-keygen itself.

/** One pattern of a line's comma-separated host list: `*` and `?` are wildcards, `!` negates. */
export interface HostPattern {
  readonly negated: boolean;
  /** In lower case, without the `!`. */
  readonly glob: string;
}

/** Whom a line is for: patterns (`web1,*.example.com,!bastion.example.com`) or one hashed name. */
export type KnownHostNames =
  | { readonly kind: 'patterns'; readonly patterns: readonly HostPattern[] }
  /** `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`, as `HashKnownHosts yes` and `ssh-keygen -H` write it. */
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer };

/** One usable line of a known_hosts file. */
export interface KnownHostEntry {
  /** 1 for the first line of the file. */
  readonly line: number;
  readonly hosts: KnownHostNames;
  /** The type the line names, which is also the type inside `key` (`ssh-ed25519`, `ssh-rsa`, ...). */
  readonly keyType: string;
  /** The key as the SSH wire blob: what the line holds in base64. */
  readonly key: Buffer;
  readonly marker?: 'revoked' | 'cert-authority';
}

/** What a known_hosts file says of the key a host offered. */
export type HostKeyVerdict =
  | { readonly kind: 'known'; readonly line: number }
  /** No line names this host (with this port). */
  | { readonly kind: 'unknown' }
  /** Lines name the host but none has this key (OpenSSH: "REMOTE HOST IDENTIFICATION HAS CHANGED"). */
  | { readonly kind: 'changed'; readonly line: number; readonly knownKeyType: string }
  /** A `@revoked` line names the host with this key. */
  | { readonly kind: 'revoked'; readonly line: number };

const SHA1_BYTES = 20;
const MARKERS = new Map<string, 'revoked' | 'cert-authority'>([
  ['@revoked', 'revoked'],
  ['@cert-authority', 'cert-authority'],
]);

/**
 * The usable lines of a known_hosts file. Blank lines, comments and lines OpenSSH would not use
 * (an unknown or a second marker, a missing or undecodable key, a key whose blob is of another
 * type than the line says, a hashed name that is not `|1|salt|hash`) are left out: never throws.
 */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  return text.split('\n').flatMap((lineText, index) => {
    const entry = parseLine(lineText, index + 1);
    return entry === undefined ? [] : [entry];
  });
}

function parseLine(text: string, line: number): KnownHostEntry | undefined {
  // Fields are separated by spaces and tabs only. The `\r` of a CRLF file goes: OpenSSH's base64
  // decoder skips it as white space.
  const fields = text
    .replace(/\r$/, '')
    .split(/[ \t]+/)
    .filter((field) => field !== '');
  const first = fields[0];
  if (first === undefined || first.startsWith('#')) return undefined;
  const marker = MARKERS.get(first);
  if (first.startsWith('@') && marker === undefined) return undefined;
  const [hostsField, keyType, base64] = marker === undefined ? fields : fields.slice(1);
  // A second marker is an error to OpenSSH, not a host pattern.
  const isComplete = hostsField !== undefined && !hostsField.startsWith('@') && keyType !== undefined;
  if (!isComplete || base64 === undefined) return undefined;
  const hosts = parseHosts(hostsField);
  const key = decodeBase64(base64);
  if (hosts === undefined || key === undefined || blobType(key) !== keyType) return undefined;
  return { line, hosts, keyType, key, ...(marker !== undefined && { marker }) };
}

function parseHosts(field: string): KnownHostNames | undefined {
  if (!field.startsWith('|')) {
    const patterns = field.split(',').map((pattern) => {
      const negated = pattern.startsWith('!');
      return { negated, glob: (negated ? pattern.slice(1) : pattern).toLowerCase() };
    });
    return { kind: 'patterns', patterns };
  }
  // `|1|salt|hash` is the whole field: OpenSSH compares the field with the name hashed with its salt.
  const [, version, salt64 = '', hash64 = '', ...rest] = field.split('|');
  const salt = decodeBase64(salt64);
  const hash = decodeBase64(hash64);
  const isHashedName = version === '1' && rest.length === 0;
  if (!isHashedName || salt?.length !== SHA1_BYTES || hash?.length !== SHA1_BYTES) return undefined;
  return { kind: 'hashed', salt, hash };
}

/** Strict base64: Node's decoder skips what is not base64 where OpenSSH's refuses the line. */
function decodeBase64(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.length > 0 && bytes.toString('base64') === text ? bytes : undefined;
}

/** The type string a key blob starts with (an SSH `string`: a 32-bit length, then the bytes). */
function blobType(blob: Buffer): string | undefined {
  const length = blob.length >= 4 ? blob.readUInt32BE(0) : 0;
  const type = length > 0 && length <= blob.length - 4 ? blob.toString('latin1', 4, 4 + length) : '';
  return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}

/**
 * The name OpenSSH looks a host up by, and writes: `host` for port 22, `[host]:port` otherwise,
 * in lower case (ssh lowercases the host name it is given). An IPv6 address takes the brackets
 * only with a port: `::1`, `[::1]:2222`.
 */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

/**
 * The entries whose host list names `host` at `port`, whatever their marker. A pattern is matched
 * against the whole {@link knownHostsName}, so `web1` names web1 on port 22 only and
 * `[web1]:2222` on 2222 only, while `*` names every host on every port (as in OpenSSH).
 */
export function entriesForHost(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((entry) => names(entry.hosts, name));
}

function names(hosts: KnownHostNames, name: string): boolean {
  if (hosts.kind === 'hashed') return createHmac('sha1', hosts.salt).update(name).digest().equals(hosts.hash);
  // A matching negated pattern excludes the line, whatever else matches (match.c).
  const matching = hosts.patterns.filter((pattern) => globMatches(pattern.glob, name));
  return matching.length > 0 && matching.every((pattern) => !pattern.negated);
}

function globMatches(glob: string, name: string): boolean {
  const source = [...glob]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.+()[\]{}|]/, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 's').test(name);
}

/**
 * What the known hosts say of the key `host` offered on `port` (`key`: the SSH wire blob, as
 * ssh2's `hostVerifier` gets it), with OpenSSH's rules (hostfile.c, check_hostkeys_by_key_or_type):
 * - `revoked` when a `@revoked` line for the host has this key, even if another line knows it;
 * - `known` when a line without a marker has it;
 * - `changed` when lines without a marker name the host but none has this key, even when they
 *   hold keys of other types only: OpenSSH's client asks first for the types it knows for the
 *   host ({@link knownKeyTypes}), so a server that offers another type has no known key left to
 *   show. The line given is one of the offered key's type, if any;
 * - `unknown` otherwise. `@cert-authority` lines count for nothing: host certificates are not
 *   supported, and a CA's key is not a host key that could have changed.
 */
export function judgeHostKey(
  entries: readonly KnownHostEntry[],
  host: string,
  port: number,
  key: Buffer,
): HostKeyVerdict {
  const named = entriesForHost(entries, host, port);
  const revoked = named.find((entry) => entry.marker === 'revoked' && entry.key.equals(key));
  if (revoked !== undefined) return { kind: 'revoked', line: revoked.line };
  const plain = named.filter((entry) => entry.marker === undefined);
  const known = plain.find((entry) => entry.key.equals(key));
  if (known !== undefined) return { kind: 'known', line: known.line };
  const offeredType = blobType(key);
  const replaced = plain.find((entry) => entry.keyType === offeredType) ?? plain[0];
  if (replaced === undefined) return { kind: 'unknown' };
  return { kind: 'changed', line: replaced.line, knownKeyType: replaced.keyType };
}

/**
 * The key types known for `host` on `port` (lines without a marker), in the file's order: the host
 * key algorithms to ask for first in the handshake, as OpenSSH's client does. A `ssh-rsa` key
 * is signed with the algorithms `rsa-sha2-512`, `rsa-sha2-256` or `ssh-rsa`.
 */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const plain = entriesForHost(entries, host, port).filter((entry) => entry.marker === undefined);
  return [...new Set(plain.map((entry) => entry.keyType))];
}

/** `SHA256:` and the unpadded base64 of the blob's SHA-256, as `ssh-keygen -l -E sha256` prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The type string inside a key blob, e.g. `ssh-ed25519`.
 * @throws InternalError when `key` is not a key blob (ssh2 reads the type before it asks).
 */
export function hostKeyType(key: Buffer): string {
  const type = blobType(key);
  if (type === undefined) throw new InternalError(new Error('the host key is not an SSH public key blob'));
  return type;
}
