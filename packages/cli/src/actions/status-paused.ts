import {
  decodeRolloutRecord,
  toTomcatPdError,
  type RolloutRecord,
  type TargetLocks,
} from '@tomcat-pd/core/internal';
import { pausedRolloutDocument, pausedRolloutLine } from '../render/paused-rollout.js';

/**
 * The paused rollouts the lock's readings hold (status's, serve's from its own `list`s), each once
 * however many targets keep it. Views are about the apps: a record that does not decode is a
 * warning, not their failure.
 */
export function pausedRolloutsOf(
  readings: readonly TargetLocks[],
  warn: (message: string) => void,
): RolloutRecord[] {
  const payloads = new Set(
    readings.flatMap((reading) => (reading.kind === 'read' ? reading.pausedPayloads : [])),
  );
  return [...payloads].flatMap((payload) => {
    try {
      return [decodeRolloutRecord(payload)];
    } catch (error) {
      warn(`A paused rollout's record was not read: ${toTomcatPdError(error).message}`);
      return [];
    }
  });
}

/** The paused rollouts as a block after status's table: `pausedRollouts` in the document (none: no field), a line each. */
export function pausedBlock(paused: readonly RolloutRecord[]): { document: object; text: string } {
  if (paused.length === 0) return { document: {}, text: '' };
  return {
    document: { pausedRollouts: paused.map(pausedRolloutDocument) },
    text: paused.map(pausedRolloutLine).join('\n'),
  };
}
