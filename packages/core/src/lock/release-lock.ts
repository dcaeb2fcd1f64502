/**
 * `lock release`: the records of one lock removed from every target (docs/lock.md#release).
 * Without `force` only expired records go, and a live holder is an `E_LOCKED` refusal naming it;
 * with `force` every record of the lock goes (a paused rollout's included: it stays half-done).
 */
import { LockedError } from '../errors/lock-errors.js';
import { silentLogger } from '../common/logger.js';
import type { ManagerClient } from '../manager/manager-client.js';
import { scopeKey } from './lock-record.js';
import { holdersOf, isExpired } from './lock-rules.js';
import { inLockOrder } from './acquire-lock.js';
import type { ReleaseLockOptions, ReleasedLocks } from './lock-types.js';
import { removeRecord, viewOf } from './target-records.js';

export async function releaseLock(
  clients: readonly ManagerClient[],
  options: ReleaseLockOptions,
): Promise<ReleasedLocks[]> {
  const key = scopeKey(options.scope);
  const force = options.force === true;
  const released: ReleasedLocks[] = [];
  for (const client of inLockOrder(clients)) {
    const view = await viewOf(client, options.signal, silentLogger);
    const records = view.records.filter((record) => record.key === key);
    const picked = records.filter(
      (record) => force || (record.kind === 'lock' && isExpired(record, view.now)),
    );
    const live = holdersOf(records, client.name, view.now).filter((holder) => !holder.expired);
    for (const record of picked) await removeRecord(client, record.path, options.signal);
    released.push({
      target: client.name,
      removed: holdersOf(picked, client.name, view.now),
      removedUnreadable: picked.flatMap((record) => (record.kind === 'unreadable' ? [record.path] : [])),
    });
    const holder = live[0];
    if (!force && holder !== undefined) {
      throw new LockedError(
        `The lock is held on ${client.name} by ${holder.actor} (${holder.command}, since ${holder.since.toISOString()}); nothing live was removed.`,
        holder,
        { hint: [{ option: 'force' }, ' removes it anyway, when its holder is known to be gone.'] },
      );
    }
  }
  return released;
}
