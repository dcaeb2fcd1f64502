/**
 * The lock once held on every target: renewed every third of its time-to-live, found lost,
 * paused for a later takeover, released (docs/lock.md#renewal).
 */
import { LockLostError } from '../errors/lock-errors.js';
import type { Logger } from '../common/logger.js';
import {
  chunkRecordPaths,
  lockRecordPath,
  PAUSED_COMMAND,
  type ChunkRecord,
  type LockRecord,
} from './lock-record.js';
import { isExpired } from './lock-rules.js';
import type { HeldLock, PausedRollout } from './lock-types.js';
import { newRecord, type TargetHold } from './take-target.js';
import { removeRecord, viewOf, writeRecord } from './target-records.js';

/** What the held lock needs to know of its holder. */
export interface Holder {
  key: string;
  nonce: string;
  command: string;
  actor: string;
  ttlMs: number;
  logger: Logger;
}

type State = 'held' | 'paused' | 'released';

interface Renewed extends TargetHold {
  /** When (this machine's monotonic clock) its record was last written. */
  writtenAt: number;
}

export class Holding implements HeldLock {
  readonly #holder: Holder;
  readonly #holds: Renewed[];
  readonly #lost = new AbortController();
  readonly #timer: NodeJS.Timeout;
  #state: State = 'held';
  /** The renewal or change under way: the next one waits for it. */
  #busy: Promise<void> = Promise.resolve();

  constructor(holder: Holder, holds: readonly TargetHold[]) {
    this.#holder = holder;
    const now = performance.now();
    this.#holds = holds.map((hold) => ({ ...hold, writtenAt: now }));
    this.#timer = setInterval(() => void this.#turn(() => this.#renewAll()), holder.ttlMs / 3);
    // A held lock must not keep the process alive: the command's own work does.
    this.#timer.unref();
  }

  get lost(): AbortSignal {
    return this.#lost.signal;
  }

  get paused(): PausedRollout | undefined {
    return this.#holds.find((hold) => hold.takenOver?.rollout !== undefined)?.takenOver?.rollout;
  }

  pause(payload: string): Promise<void> {
    return this.#turn(async () => {
      if (this.#state !== 'held') return;
      clearInterval(this.#timer);
      this.#state = 'paused';
      const { key, nonce, actor, logger } = this.#holder;
      for (const hold of this.#holds) {
        const { client } = hold;
        for (const path of chunkRecordPaths(key, nonce, payload)) await writeRecord(client, path, undefined);
        const since = hold.record.since;
        await writeRecord(
          client,
          lockRecordPath({ key, nonce, since, expires: undefined, command: PAUSED_COMMAND, actor }),
          undefined,
        );
        // The rollout taken over is replaced by this one; the live record by the paused one.
        await this.#removeWhere(
          hold,
          (record) =>
            record.nonce === hold.takenOver?.nonce ||
            (record.kind === 'lock' && record.nonce === nonce && record.expires !== undefined),
        );
        logger.debug?.(`${client.name}: the lock is kept for the paused rollout.`);
      }
    });
  }

  release(): Promise<void> {
    return this.#turn(async () => {
      if (this.#state !== 'held') return;
      clearInterval(this.#timer);
      this.#state = 'released';
      const lost = this.#lost.signal.aborted;
      for (const hold of [...this.#holds].reverse()) {
        // After a loss the paused rollout's records are no longer this holder's to remove.
        const takenOver = lost ? undefined : hold.takenOver?.nonce;
        await this.#removeWhere(
          hold,
          (record) => record.nonce === this.#holder.nonce || record.nonce === takenOver,
        );
      }
    });
  }

  /** Runs `work` after whatever is under way. */
  #turn(work: () => Promise<void>): Promise<void> {
    const next = this.#busy.then(work);
    this.#busy = next.catch(() => undefined);
    return next;
  }

  async #renewAll(): Promise<void> {
    for (const hold of this.#holds) {
      if (this.#state !== 'held' || this.#lost.signal.aborted) return;
      await this.#renew(hold);
    }
  }

  /** A new record (same nonce and since, a new expiry) written, then the old one removed: never a moment without one. */
  async #renew(hold: Renewed): Promise<void> {
    const { client } = hold;
    const { logger, ttlMs } = this.#holder;
    try {
      const view = await viewOf(client, undefined, logger);
      const own = view.records.filter(
        (record): record is LockRecord => record.kind === 'lock' && record.nonce === this.#holder.nonce,
      );
      if (own.length === 0 || own.every((record) => isExpired(record, view.now))) {
        this.#loseOn(client.name, 'its record is gone (released by force, or expired and removed)');
        return;
      }
      const next = newRecord(this.#holder, hold.record.since, view.now);
      if (next.path === hold.record.path) return;
      await writeRecord(client, next.path, undefined);
      const previous = hold.record;
      hold.record = next;
      hold.writtenAt = performance.now();
      await removeRecord(client, previous.path);
    } catch (error) {
      // A target that cannot be reached is tried again next time, until its record may have expired.
      if (performance.now() - hold.writtenAt >= (ttlMs * 2) / 3) {
        this.#loseOn(client.name, 'it could not be renewed there in time');
      } else {
        logger.warn?.(
          `${client.name}: the lock could not be renewed (${(error as Error).message}); trying again.`,
        );
      }
    }
  }

  #loseOn(target: string, why: string): void {
    clearInterval(this.#timer);
    this.#lost.abort(
      new LockLostError(
        `The release lock on ${target} was lost: ${why}. The command stops as on Ctrl-C.`,
        target,
        {
          hint: 'Another controller may be changing the app now: read its state (status) before doing anything else.',
        },
      ),
    );
  }

  /** Removes the records that `picks` on one target; a record left is reported with its expiry. */
  async #removeWhere(hold: TargetHold, picks: (record: LockRecord | ChunkRecord) => boolean): Promise<void> {
    const { client } = hold;
    const { logger } = this.#holder;
    const view = await viewOf(client, undefined, logger).catch(() => undefined);
    const records = view?.records ?? [hold.record];
    for (const record of records) {
      if (record.kind === 'unreadable' || !picks(record)) continue;
      if (!(await removeRecord(client, record.path))) {
        const expires =
          record.kind === 'lock' && record.expires !== undefined
            ? `; it expires at ${record.expires.toISOString()}`
            : '';
        logger.warn?.(`${client.name}: a lock record was left there (${record.path})${expires}.`);
      }
    }
  }
}
