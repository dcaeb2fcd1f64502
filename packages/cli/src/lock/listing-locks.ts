import type { ManagerClient } from '@tomcat-pd/core';
import { splitListing, type LockScope, type TargetLocks } from '@tomcat-pd/core/internal';

/**
 * The clients of a view of the apps (status, history, serve's watch), whose `list` also tells who
 * holds the release lock (of `scope`, or every lock): the lock costs the view no request more.
 * `onRead` gets each target's reading, the last one when a target is listed again.
 */
export function listingLocks(
  clients: readonly ManagerClient[],
  scope: LockScope | undefined,
  onRead: (locks: TargetLocks) => void,
): ManagerClient[] {
  return clients.map((client) => ({
    ...client,
    list: async (options) => {
      const { apps, locks } = splitListing(await client.listAll(options), client.name, { scope });
      onRead(locks);
      return apps;
    },
  }));
}

/** The clients of {@link listingLocks} and the readings they made so far, one per target read. */
export function recordingLocks(
  clients: readonly ManagerClient[],
  scope: LockScope | undefined,
): { clients: ManagerClient[]; readings: () => TargetLocks[] } {
  const readings = new Map<string, TargetLocks>();
  return {
    clients: listingLocks(clients, scope, (reading) => readings.set(reading.target, reading)),
    readings: () => [...readings.values()],
  };
}
