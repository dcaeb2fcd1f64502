/**
 * The lock's requests to one target: its records read with its clock, a record written, a record
 * removed (docs/lock.md#requests). Every decision about them is in lock-rules.ts.
 */
import type { Logger } from '../common/logger.js';
import type { ManagerClient } from '../manager/manager-client.js';
import { TomcatFailError } from '../manager/parse/tomcat-fail.js';
import { lockWar } from './lock-war.js';
import type { AnyRecord } from './lock-record.js';
import { recordsIn } from './lock-rules.js';

/** One target's records at one moment of its own clock. */
export interface TargetView {
  records: AnyRecord[];
  /** The `Date` of the `list` answer; this machine's clock when the answer had none (a proxy that drops it). */
  now: Date;
  /** Whose clock `now` is. */
  clock: 'target' | 'controller';
}

/** Reads one target's records and its clock in one `list`. */
export async function viewOf(
  client: ManagerClient,
  signal: AbortSignal | undefined,
  logger: Logger,
): Promise<TargetView> {
  const { entries, date } = await client.listAll({ signal });
  if (date === undefined) {
    logger.warn?.(
      `${client.name}: its Manager's answer has no Date header, so the lock's expiry there is judged on this machine's clock (docs/lock.md#clocks).`,
    );
  }
  return date === undefined
    ? { records: recordsIn(entries), now: new Date(), clock: 'controller' }
    : { records: recordsIn(entries), now: date, clock: 'target' };
}

/** Writes a record: a deploy of the record WAR at its path, never with `update`. */
export async function writeRecord(
  client: ManagerClient,
  path: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  await client.deployBytes({ path, war: lockWar(), signal });
}

/**
 * Removes a record; `true` when it is gone. A record that is no longer there, or that Tomcat is
 * already removing for someone else (`being serviced`), is gone as far as this caller is concerned.
 */
export async function removeRecord(
  client: ManagerClient,
  path: string,
  signal?: AbortSignal,
): Promise<boolean> {
  try {
    await client.undeploy({ path, version: '', signal });
    return true;
  } catch (error) {
    if (error instanceof TomcatFailError && (error.kind === 'no-context' || error.kind === 'busy'))
      return true;
    return false;
  }
}
