import { toTomcatPdError } from '../errors/error-data.js';
import { silentLogger } from '../common/logger.js';
import type { DatedList, ManagerClient } from '../manager/manager-client.js';
import type { ContextEntry } from '../manager/parse/types.js';
import { isLockContextPath } from '../versions/context-name.js';
import { scopeKey, type AnyRecord } from './lock-record.js';
import { holdersOf, keysConflict, pausedUnder, recordsIn } from './lock-rules.js';
import type { ReadLocksOptions, TargetLocks } from './lock-types.js';
import { viewOf, type TargetView } from './target-records.js';

/**
 * What each target's records say, one `list` per target, all at once (docs/lock.md): the holders
 * (of every lock, or of those in the way of `scope`), and the payloads of the paused rollouts among them.
 */
export function readLocks(
  clients: readonly ManagerClient[],
  options: ReadLocksOptions = {},
): Promise<TargetLocks[]> {
  return Promise.all(
    clients.map(async (client): Promise<TargetLocks> => {
      try {
        return locksOf(await viewOf(client, options.signal, silentLogger), client.name, options);
      } catch (error) {
        return { kind: 'unreadable', target: client.name, error: toTomcatPdError(error) };
      }
    }),
  );
}

/**
 * One `list` already read (with its `Date`) split into the apps and what it says of the lock: for a
 * reader that lists anyway (serve's watch), so that the lock costs it no request.
 */
export function splitListing(
  list: DatedList,
  target: string,
  options: Pick<ReadLocksOptions, 'scope'> = {},
): { apps: ContextEntry[]; locks: TargetLocks } {
  const view: TargetView =
    list.date === undefined
      ? { records: recordsIn(list.entries), now: new Date(), clock: 'controller' }
      : { records: recordsIn(list.entries), now: list.date, clock: 'target' };
  return {
    apps: list.entries.filter((entry) => !isLockContextPath(entry.path)),
    locks: locksOf(view, target, options),
  };
}

function locksOf(view: TargetView, target: string, options: ReadLocksOptions): TargetLocks {
  const key = options.scope === undefined ? undefined : scopeKey(options.scope);
  const records = key === undefined ? view.records : view.records.filter((record) => inScope(record, key));
  return {
    kind: 'read',
    target,
    holders: holdersOf(records, target, view.now),
    pausedPayloads: pausedPayloadsIn(records),
    unreadable: records.flatMap((record) => (record.kind === 'unreadable' ? [record.path] : [])),
    now: view.now,
    clock: view.clock,
  };
}

/** The payload of each paused rollout among `records` whose chunks are all there: one per app. */
function pausedPayloadsIn(records: readonly AnyRecord[]): string[] {
  const keys = new Set(records.flatMap((record) => (record.kind === 'lock' ? [record.key] : [])));
  return [...keys].flatMap((key) => {
    const payload = pausedUnder(records, key)?.payload;
    return payload === undefined ? [] : [payload];
  });
}

function inScope(record: AnyRecord, key: string): boolean {
  return keysConflict(key, record.key);
}
