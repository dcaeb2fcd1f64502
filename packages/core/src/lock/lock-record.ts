/**
 * The lock's records: one context each, the facts written into its path, so that the `list` every
 * command makes reads them all (docs/lock.md#records). Pure functions.
 *
 * ```
 * /tomcat-pd-lock/app/shop/L1~3fa9c2d1e0~20261207T230500Z~20261207T232000Z~deploy~alice@ci7
 * /tomcat-pd-lock/target/L1~<nonce>~<since>~<expires or ->~<command>~<actor>
 * /tomcat-pd-lock/app/shop/R1~<nonce>~<i>of<n>~<base64url chunk of a paused rollout>
 * ```
 */
import { createHash, randomBytes } from 'node:crypto';
import { baseName, LOCK_CONTEXT_ROOT } from '../versions/context-name.js';
import type { LockScope } from './lock-types.js';

/** A lock record as written or read. */
export interface LockRecord {
  kind: 'lock';
  /** The context path of the record. */
  path: string;
  /** Which lock: `target`, or `app/<key>` (see {@link scopeKey}). */
  key: string;
  nonce: string;
  since: Date;
  /** `undefined`: a paused rollout's record, which never expires. */
  expires: Date | undefined;
  command: string;
  actor: string;
}

/** One chunk of a paused rollout's payload. */
export interface ChunkRecord {
  kind: 'chunk';
  path: string;
  key: string;
  nonce: string;
  index: number;
  count: number;
  data: string;
}

/** A context under the lock's root that does not read as a record: a live lock until removed with --force. */
export interface UnreadableRecord {
  kind: 'unreadable';
  path: string;
  /** The lock it is under, when that much reads. */
  key: string | undefined;
}

export type AnyRecord = LockRecord | ChunkRecord | UnreadableRecord;

/** The command a paused rollout's record names. */
export const PAUSED_COMMAND = 'paused';

// A record's base name in appBase must stay under the file-name limit (251 bytes measured on ext4;
// docs/lock.md#limits): an app key longer than this is replaced by a hash of the app's path.
const MAX_KEY_BASE = 80;
const CHUNK_CHARS = 140;
const NONCE_BYTES = 5;

/**
 * The key of a lock: `target`, or `app/<path without its leading />` (`app/ROOT` for ROOT, `app/a/b`
 * for a nested path; `app/h-<16 hex of its SHA-256>` for a path too long to fit in a file name).
 */
export function scopeKey(scope: LockScope): string {
  if (scope.kind === 'target') return 'target';
  const key = scope.path === '/' ? 'ROOT' : scope.path.slice(1);
  if (baseName(`${LOCK_CONTEXT_ROOT}/app/${key}`, '').length <= MAX_KEY_BASE) return `app/${key}`;
  return `app/h-${createHash('sha256').update(scope.path).digest('hex').slice(0, 16)}`;
}

/** The scope a key names: an app's path, or the key itself for a hashed one (its path cannot be known). */
export function scopeOfKey(key: string): LockScope {
  if (key === 'target') return { kind: 'target' };
  const app = key.slice('app/'.length);
  return { kind: 'app', path: app === 'ROOT' ? '/' : `/${app}` };
}

/** A new random nonce: what tells one acquisition's records from every other. */
export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('hex');
}

/** The context path of a lock record. */
export function lockRecordPath(record: Omit<LockRecord, 'kind' | 'path'>): string {
  const fields = [
    'L1',
    record.nonce,
    stamp(record.since),
    record.expires === undefined ? '-' : stamp(record.expires),
    clean(record.command, 16),
    cleanActor(record.actor),
  ];
  return `${LOCK_CONTEXT_ROOT}/${record.key}/${fields.join('~')}`;
}

/**
 * The context paths of a paused rollout's chunks: the payload prefixed with the first 8 hex of its
 * SHA-256 (what tells a complete set from a torn one), base64url, in pieces that fit a file name.
 */
export function chunkRecordPaths(key: string, nonce: string, payload: string): string[] {
  const text = Buffer.from(`${sha8(payload)}:${payload}`, 'utf8').toString('base64url');
  const pieces: string[] = [];
  for (let at = 0; at < text.length; at += CHUNK_CHARS) pieces.push(text.slice(at, at + CHUNK_CHARS));
  return pieces.map(
    (piece, index) => `${LOCK_CONTEXT_ROOT}/${key}/R1~${nonce}~${index + 1}of${pieces.length}~${piece}`,
  );
}

/** The payload of one nonce's chunks, or `undefined` when some are missing or they do not add up. */
export function payloadOf(chunks: readonly ChunkRecord[]): string | undefined {
  const count = chunks[0]?.count;
  if (count === undefined) return undefined;
  const byIndex = new Map(chunks.map((chunk) => [chunk.index, chunk.data]));
  if (byIndex.size !== count || chunks.some((chunk) => chunk.count !== count)) return undefined;
  const pieces = Array.from({ length: count }, (_, index) => byIndex.get(index + 1));
  if (pieces.includes(undefined)) return undefined;
  const text = Buffer.from(pieces.join(''), 'base64url').toString('utf8');
  const colon = text.indexOf(':');
  const payload = text.slice(colon + 1);
  return colon === 8 && text.slice(0, 8) === sha8(payload) ? payload : undefined;
}

const LOCK_FIELDS =
  /^L1~([0-9a-f]{10})~(\d{8}T\d{6}Z)~(\d{8}T\d{6}Z|-)~([a-z0-9-]{1,16})~([A-Za-z0-9._@-]{1,64})$/;
const CHUNK_FIELDS = /^R1~([0-9a-f]{10})~(\d{1,3})of(\d{1,3})~([A-Za-z0-9_-]{1,200})$/;

/**
 * Reads a context path under the lock's root as a record; `undefined` for any other path.
 * A path under the root that does not read is an {@link UnreadableRecord}: fail closed.
 */
export function parseRecordPath(path: string): AnyRecord | undefined {
  if (!path.startsWith(`${LOCK_CONTEXT_ROOT}/`) && path !== LOCK_CONTEXT_ROOT) return undefined;
  const rest = path.slice(LOCK_CONTEXT_ROOT.length + 1);
  const cut = rest.lastIndexOf('/');
  const key = cut === -1 ? undefined : rest.slice(0, cut);
  const last = rest.slice(cut + 1);
  const validKey = key === 'target' || (key?.startsWith('app/') === true && key.length > 'app/'.length);
  if (!validKey) return { kind: 'unreadable', path, key: undefined };
  const lock = LOCK_FIELDS.exec(last);
  if (lock !== null) {
    const [, nonce = '', since = '', expires = '', command = '', actor = ''] = lock;
    const sinceDate = unstamp(since);
    const expiresDate = expires === '-' ? undefined : unstamp(expires);
    if (sinceDate !== undefined && (expires === '-' || expiresDate !== undefined)) {
      return { kind: 'lock', path, key, nonce, since: sinceDate, expires: expiresDate, command, actor };
    }
  }
  const chunk = CHUNK_FIELDS.exec(last);
  if (chunk !== null) {
    const [, nonce = '', index = '', count = '', data = ''] = chunk;
    const [i, n] = [Number(index), Number(count)];
    if (i >= 1 && i <= n) return { kind: 'chunk', path, key, nonce, index: i, count: n, data };
  }
  return { kind: 'unreadable', path, key };
}

/** `20261207T230500Z`: UTC to the second, readable in a raw `list`. */
export function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(/[-:]/g, '');
}

function unstamp(text: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return stamp(date) === text ? date : undefined;
}

/** A field of the path: characters that are safe in a URL, a file name and `list`'s `:`-separated line. */
function clean(text: string, max: number): string {
  const cleaned = text
    .toLowerCase()
    .replaceAll(/[^a-z0-9-]/g, '-')
    .slice(0, max);
  return cleaned === '' ? '-' : cleaned;
}

/** `user@host` with every other character as `_`, one `@` kept, at most 64 characters. */
export function cleanActor(actor: string): string {
  const at = actor.indexOf('@');
  const parts = at === -1 ? [actor] : [actor.slice(0, at), actor.slice(at + 1)];
  const cleaned = parts.map((part) => part.replaceAll(/[^A-Za-z0-9._-]/g, '_')).join('@');
  return (cleaned === '' ? '_' : cleaned).slice(0, 64);
}

function sha8(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
