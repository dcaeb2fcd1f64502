/**
 * The release lock around a command that changes Tomcat (README: Lock, docs/lock.md): taken on the
 * targets it changes before anything else, released after it, whatever the outcome. Loaded only
 * by the commands that declare a lock: a read never loads it.
 */
import os from 'node:os';
import { UsageError } from '@tomcat-pd/core/errors';
import { acquireLock, type HeldLock } from '@tomcat-pd/core/internal';
import type { LockRequest } from '../command-line.js';
import type { CliContext, GlobalValues } from '../context.js';
import { actorOf } from '../events/change-event.js';

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
    actor: actorOf(process.env, os),
    ttlMs: values.ttlMs,
    waitMs: values.waitMs,
    takeover: request.takeover,
    signal: context.signal,
    logger: context.output.logger,
  });
  try {
    return await work({ ...context, signal: AbortSignal.any([context.signal, held.lost]), heldLock: held });
  } catch (error) {
    throw held.lost.aborted ? held.lost.reason : error;
  } finally {
    await held.release();
  }
}

/** The clients of the targets the command changes: the ones it names, else every selected one. */
async function lockedClients(context: CliContext, names: readonly string[] | undefined) {
  const clients = await context.clients();
  if (names === undefined) return clients;
  return names.map((name) => {
    const client = clients.find((candidate) => candidate.name === name);
    if (client === undefined) {
      throw new UsageError(`The release lock of ${name} cannot be taken: no such target in the config file.`);
    }
    return client;
  });
}
