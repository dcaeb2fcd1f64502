/**
 * The lock taken on one target: read, write the own record, read again (docs/lock.md#requests).
 * Whoever reads no conflicting record after writing its own holds the lock there, whatever the
 * timing: of two contenders, the one that read second read after the other's record was written.
 */
import type { Logger } from '../common/logger.js';
import { toTomcatPdError } from '../errors/error-data.js';
import type { TomcatPdError } from '../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../manager/manager-client.js';
import { lockRecordPath, type LockRecord } from './lock-record.js';
import { conflictsFor, isExpired, keysConflict, pausedUnder, type Conflict } from './lock-rules.js';
import type { PausedRollout } from './lock-types.js';
import { removeRecord, viewOf, writeRecord, type TargetView } from './target-records.js';

/** Who takes the lock, and how. */
export interface Taker {
  key: string;
  nonce: string;
  command: string;
  actor: string;
  ttlMs: number;
  takeover: boolean;
  signal: AbortSignal | undefined;
  logger: Logger;
}

/** The lock held on one target. */
export interface TargetHold {
  client: ManagerClient;
  /** The record written last. */
  record: LockRecord;
  /** The paused rollout taken over there: its nonce, and its facts. */
  takenOver: { nonce: string; rollout: PausedRollout | undefined } | undefined;
}

export type TakeOutcome =
  | { kind: 'held'; hold: TargetHold }
  | { kind: 'conflict'; conflict: Conflict; now: Date }
  | { kind: 'failed'; error: TomcatPdError };

/** Takes the lock on one target, or says who is in the way, or why the target failed. */
export async function takeTarget(client: ManagerClient, taker: Taker): Promise<TakeOutcome> {
  try {
    return await take(client, taker);
  } catch (error) {
    return { kind: 'failed', error: toTomcatPdError(error) };
  }
}

async function take(client: ManagerClient, taker: Taker): Promise<TakeOutcome> {
  const { key, nonce, signal, logger } = taker;
  const before = await viewOf(client, signal, logger);
  const paused = taker.takeover ? pausedUnder(before.records, key) : undefined;
  const except = paused?.record.nonce;
  await breakExpired(client, before, taker);
  const inTheWay = conflictsFor(before.records, { key, nonce, now: before.now, except })[0];
  if (inTheWay !== undefined) return { kind: 'conflict', conflict: inTheWay, now: before.now };
  const record = newRecord(taker, before.now, before.now);
  try {
    await writeRecord(client, record.path, signal);
  } catch (error) {
    // The deploy may have happened though its answer was lost: the record must not stay.
    await removeRecord(client, record.path);
    throw error;
  }
  const after = await viewOf(client, signal, logger);
  const blocking = conflictsFor(after.records, { key, nonce, now: after.now, except })[0];
  if (blocking !== undefined) {
    await removeRecord(client, record.path);
    return { kind: 'conflict', conflict: blocking, now: after.now };
  }
  const takenOver =
    paused === undefined
      ? undefined
      : {
          nonce: paused.record.nonce,
          rollout:
            paused.payload === undefined
              ? undefined
              : { payload: paused.payload, actor: paused.record.actor, since: paused.record.since },
        };
  return { kind: 'held', hold: { client, record, takenOver } };
}

/** A live record of this holder, written at `now` on the target's clock, expiring a ttl later. */
export function newRecord(
  holder: Pick<Taker, 'key' | 'nonce' | 'command' | 'actor' | 'ttlMs'>,
  since: Date,
  now: Date,
): LockRecord {
  const fields = {
    key: holder.key,
    nonce: holder.nonce,
    since,
    expires: new Date(now.getTime() + holder.ttlMs),
    command: holder.command,
    actor: holder.actor,
  };
  return { kind: 'lock', path: lockRecordPath(fields), ...fields };
}

/** Removes the expired records of other holders that stand in this lock's way (a crashed holder's). */
async function breakExpired(client: ManagerClient, view: TargetView, taker: Taker): Promise<void> {
  for (const record of view.records) {
    if (record.kind !== 'lock' || record.nonce === taker.nonce || !keysConflict(taker.key, record.key))
      continue;
    if (!isExpired(record, view.now)) continue;
    taker.logger.info?.(
      `${client.name}: removing the expired lock record of ${record.actor} (${record.command}, since ${record.since.toISOString()}).`,
    );
    await removeRecord(client, record.path, taker.signal);
  }
}
