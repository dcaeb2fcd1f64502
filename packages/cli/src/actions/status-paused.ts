import type { ManagerClient } from '@tomcat-pd/core';
import {
  decodeRolloutRecord,
  readLocks,
  toTomcatPdError,
  type RolloutRecord,
  type TargetLocks,
} from '@tomcat-pd/core/internal';
import type { CliContext } from '../context.js';
import { pausedRolloutDocument, pausedRolloutLine } from '../render/paused-rollout.js';

/**
 * The paused rollouts kept on the targets (of the app `path`, or of every app), each once however
 * many targets keep it: one `list` per target. Status is about the apps: rollouts that cannot be
 * read are a warning.
 */
export async function readPausedRollouts(
  context: CliContext,
  clients: readonly ManagerClient[],
  path: string | undefined,
): Promise<RolloutRecord[]> {
  try {
    const scope = path === undefined ? undefined : ({ kind: 'app', path } as const);
    return pausedRolloutsOf(await readLocks(clients, { scope, signal: context.signal }));
  } catch (error) {
    context.output.warn(`The paused rollouts were not read: ${toTomcatPdError(error).message}`);
    return [];
  }
}

/** The paused rollouts the lock's readings hold (serve's come from its own `list`s), each once. */
export function pausedRolloutsOf(readings: readonly TargetLocks[]): RolloutRecord[] {
  const payloads = new Set(
    readings.flatMap((reading) => (reading.kind === 'read' ? reading.pausedPayloads : [])),
  );
  return [...payloads].map(decodeRolloutRecord);
}

/** The paused rollouts as a block after status's table: `pausedRollouts` in the document (none: no field), a line each. */
export function pausedBlock(paused: readonly RolloutRecord[]): { document: object; text: string } {
  if (paused.length === 0) return { document: {}, text: '' };
  return {
    document: { pausedRollouts: paused.map(pausedRolloutDocument) },
    text: paused.map(pausedRolloutLine).join('\n'),
  };
}
