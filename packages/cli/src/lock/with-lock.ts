/**
 * The release lock around a command that changes Tomcat (README: Lock, docs/lock.md): taken on the
 * targets it changes before anything else, released after it, whatever the outcome. Loaded only
 * by the commands that declare a lock: a read never loads it.
 */
import { acquireLock, toTomcatPdError, type HeldLock, type LockLostError } from '@tomcat-pd/core/internal';
import type { LockRequest } from '../command-line.js';
import type { CliContext, GlobalValues } from '../context.js';
import { currentActor } from '../events/change-event.js';

/**
 * Runs `work` holding the lock, with a context whose signal also aborts when the lock is lost
 * (and then fails with the `LockLostError`, exit 5, rather than a plain abort).
 */
export async function withLock<T>(
  request: LockRequest,
  context: CliContext,
  values: GlobalValues['lock'],
  work: (context: CliContext) => Promise<T>,
): Promise<T> {
  const clients = await lockedClients(context, request.targets);
  const held: HeldLock = await acquireLock(clients, {
    scope: request.scope,
    command: request.command,
    actor: currentActor(),
    ttlMs: values.ttlMs,
    waitMs: values.waitMs,
    takeover: request.takeover,
    skipUnreachable: request.skipUnreachable,
    signal: context.signal,
    logger: context.output.logger,
  });
  try {
    return await work({ ...context, signal: AbortSignal.any([context.signal, held.lost]), heldLock: held });
  } catch (error) {
    // The loss is the cause; what the command did on the way out (undone, stopped where) goes with it.
    if (held.lost.aborted) throw lostWith(held.lost.reason as LockLostError, error);
    throw error;
  } finally {
    await held.release();
  }
}

/**
 * The clients of the targets the command changes: the ones it names, else every selected one. A
 * name that is no target of the config is left to the command, which says what it is not.
 */
async function lockedClients(context: CliContext, names: readonly string[] | undefined) {
  const clients = await context.clients();
  return names === undefined ? clients : clients.filter((client) => names.includes(client.name));
}

/** The loss, with what the command said as it stopped (its own error) as a note. */
export function lostWith(lost: LockLostError, error: unknown): LockLostError {
  const stopped = toTomcatPdError(error);
  return stopped === lost ? lost : lost.withNote(`Where it stopped: ${stopped.message}`);
}
