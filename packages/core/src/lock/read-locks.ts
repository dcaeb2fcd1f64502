import { toTomcatPdError } from '../errors/error-data.js';
import { silentLogger } from '../common/logger.js';
import type { ManagerClient } from '../manager/manager-client.js';
import { scopeKey, type AnyRecord } from './lock-record.js';
import { holdersOf, keysConflict, pausedUnder } from './lock-rules.js';
import type { ReadLocksOptions, TargetLocks } from './lock-types.js';
import { viewOf } from './target-records.js';

/**
 * What each target's records say, one `list` per target, all at once (docs/lock.md): the holders
 * (of every lock, or of those in the way of `scope`), and a paused rollout's payload.
 */
export function readLocks(
  clients: readonly ManagerClient[],
  options: ReadLocksOptions = {},
): Promise<TargetLocks[]> {
  const key = options.scope === undefined ? undefined : scopeKey(options.scope);
  return Promise.all(
    clients.map(async (client): Promise<TargetLocks> => {
      try {
        const view = await viewOf(client, options.signal, silentLogger);
        const records =
          key === undefined ? view.records : view.records.filter((record) => inScope(record, key));
        return {
          kind: 'read',
          target: client.name,
          holders: holdersOf(records, client.name, view.now),
          pausedPayload: key === undefined ? undefined : pausedUnder(records, key)?.payload,
          unreadable: records.flatMap((record) => (record.kind === 'unreadable' ? [record.path] : [])),
          now: view.now,
          clock: view.clock,
        };
      } catch (error) {
        return { kind: 'unreadable', target: client.name, error: toTomcatPdError(error) };
      }
    }),
  );
}

function inScope(record: AnyRecord, key: string): boolean {
  return keysConflict(key, record.key);
}
