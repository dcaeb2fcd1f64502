import type { ManagerClient } from '../manager/manager-client.js';
import type { ReadLocksOptions, TargetLocks } from './lock-types.js';

/** What each target's records say, one `list` per target (docs/lock.md). */
export function readLocks(
  clients: readonly ManagerClient[],
  options: ReadLocksOptions = {},
): Promise<TargetLocks[]> {
  void clients;
  void options;
  return Promise.reject(new Error('readLocks: not yet'));
}
