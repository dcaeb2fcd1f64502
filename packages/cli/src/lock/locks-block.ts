import type { ManagerClient } from '@tomcat-pd/core';
import { readLocks, type LockScope, type TargetLocks } from '@tomcat-pd/core/internal';
import { holderDocument, lockedBy, lockScopeWords } from './lock-words.js';

/** What a view of the apps shows of the release lock: its JSON field and its lines (none when nothing is locked). */
export interface LocksBlock {
  /** `locks` only when someone holds one: a document is as it always was while nobody does. */
  document: { locks?: (ReturnType<typeof holderDocument> & { target: string })[] };
  text: string;
}

/**
 * The lock's holders on each target (of `path`'s lock and the target lock, or of every lock), for
 * status, history and drain: the lock's records are never shown as apps (ManagerClient.list leaves
 * them out), but as "locked by ...". One `list` per target beside the view's own; a target that
 * cannot be read is the view's to report.
 */
export async function readLocksBlock(
  clients: readonly ManagerClient[],
  path: string | undefined,
  signal: AbortSignal,
): Promise<LocksBlock> {
  return locksBlockOf(await readLocks(clients, { scope: appScope(path), signal }));
}

/** The block of readings already made (serve's, from its own `list`s). */
export function locksBlockOf(readings: readonly TargetLocks[]): LocksBlock {
  const held = readings.flatMap((reading) =>
    reading.kind === 'read' ? reading.holders.map((holder) => ({ target: reading.target, holder })) : [],
  );
  return {
    document:
      held.length === 0
        ? {}
        : { locks: held.map(({ target, holder }) => ({ target, ...holderDocument(holder) })) },
    text: held
      .map(({ target, holder }) => `${target}: ${lockScopeWords(holder)} ${lockedBy(holder)}`)
      .join('\n'),
  };
}

/** The lock of the app `path` (and the target lock in its way), or every lock without one. */
export function appScope(path: string | undefined): LockScope | undefined {
  return path === undefined ? undefined : { kind: 'app', path };
}
