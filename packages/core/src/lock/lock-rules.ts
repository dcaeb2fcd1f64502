/**
 * What one target's records mean for a lock (docs/lock.md#conflicts): who holds what, what has
 * expired by the target's own clock, what stands in the way. Pure functions.
 */
import type { ContextEntry } from '../manager/parse/types.js';
import {
  PAUSED_COMMAND,
  parseRecordPath,
  payloadOf,
  scopeOfKey,
  type AnyRecord,
  type ChunkRecord,
  type LockRecord,
  type UnreadableRecord,
} from './lock-record.js';
import type { LockHolder } from './lock-types.js';

/** The records among a `list`'s contexts. */
export function recordsIn(entries: readonly ContextEntry[]): AnyRecord[] {
  return entries.flatMap((entry) => parseRecordPath(entry.path) ?? []);
}

/**
 * Whether a lock of key `mine` and a record under key `theirs` exclude each other: a target lock
 * excludes every lock on the target, an app lock the same app's and the target's. A record whose
 * lock cannot be read (`undefined`) excludes everything: fail closed.
 */
export function keysConflict(mine: string, theirs: string | undefined): boolean {
  return theirs === undefined || mine === 'target' || theirs === 'target' || mine === theirs;
}

/**
 * Whether a record has expired, judged on the target's clock: `now` is the `Date` of the `list`
 * answer it was read in, and `expires` was written from the `Date` of the holder's own `list` on the
 * same target. Controllers' clocks never enter (docs/lock.md#clocks). A paused record never expires.
 */
export function isExpired(record: LockRecord, now: Date): boolean {
  return record.expires !== undefined && now.getTime() >= record.expires.getTime();
}

/** The holders of one target's records, one per nonce (its latest record counts), oldest first. */
export function holdersOf(records: readonly AnyRecord[], target: string, now: Date): LockHolder[] {
  const latest = new Map<string, LockRecord>();
  for (const record of records) {
    if (record.kind !== 'lock') continue;
    const known = latest.get(record.nonce);
    if (known === undefined || laterThan(record, known)) latest.set(record.nonce, record);
  }
  return [...latest.values()]
    .map((record) => ({
      scope: scopeOfKey(record.key),
      nonce: record.nonce,
      command: record.command,
      actor: record.actor,
      since: record.since,
      expires: record.expires,
      paused: record.expires === undefined,
      expired: isExpired(record, now),
      target,
    }))
    .sort((a, b) => a.since.getTime() - b.since.getTime());
}

/** A record that replaces another of its nonce: a paused one, or one that expires later. */
function laterThan(record: LockRecord, known: LockRecord): boolean {
  if (known.expires === undefined) return false;
  return record.expires === undefined || record.expires.getTime() > known.expires.getTime();
}

/** A record in the way: another holder's live record, or one that does not read. */
export type Conflict = LockRecord | UnreadableRecord;

/**
 * What stands in the way of a lock of key `mine` held by `nonce`: the live records of other
 * nonces whose lock conflicts, and unreadable records that may (fail closed). `except` names a
 * nonce whose records do not count (the paused rollout a takeover takes over).
 */
export function conflictsFor(
  records: readonly AnyRecord[],
  options: { key: string; nonce: string; now: Date; except?: string | undefined },
): Conflict[] {
  const { key, nonce, now, except } = options;
  return records.flatMap((record): Conflict[] => {
    if (record.kind === 'chunk') return [];
    if (!keysConflict(key, record.key)) return [];
    if (record.kind === 'unreadable') return [record];
    if (record.nonce === nonce || record.nonce === except || isExpired(record, now)) return [];
    return [record];
  });
}

/** The paused rollout under `key`, if one is there: its record and its payload (when every chunk is). */
export function pausedUnder(
  records: readonly AnyRecord[],
  key: string,
): { record: LockRecord; payload: string | undefined } | undefined {
  const record = records.find(
    (candidate): candidate is LockRecord =>
      candidate.kind === 'lock' && candidate.key === key && candidate.command === PAUSED_COMMAND,
  );
  if (record === undefined) return undefined;
  const chunks = records.filter(
    (candidate): candidate is ChunkRecord => candidate.kind === 'chunk' && candidate.nonce === record.nonce,
  );
  return { record, payload: payloadOf(chunks) };
}
