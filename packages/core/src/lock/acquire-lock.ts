import type { ManagerClient } from '../manager/manager-client.js';
import type { AcquireLockOptions, HeldLock } from './lock-types.js';

/**
 * Takes the lock on every client, in the order of their canonical Manager URLs, all or none
 * (docs/lock.md).
 */
export function acquireLock(
  clients: readonly ManagerClient[],
  options: AcquireLockOptions,
): Promise<HeldLock> {
  void clients;
  void options;
  return Promise.reject(new Error('acquireLock: not yet'));
}
