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
 * many targets keep it. Status is about the apps: rollouts that cannot be read are a warning.
 */
export async function readPausedRollouts(
  context: CliContext,
  clients: readonly ManagerClient[],
  path: string | undefined,
): Promise<RolloutRecord[]> {
  const { signal } = context;
  try {
    // A rollout's record is read under its app's lock: every app's paused lock first, without --path.
    const paths = path === undefined ? pausedApps(await readLocks(clients, { signal })) : [path];
    const payloads = new Set<string>();
    for (const app of paths) {
      for (const target of await readLocks(clients, { scope: { kind: 'app', path: app }, signal })) {
        if (target.kind === 'read' && target.pausedPayload !== undefined) payloads.add(target.pausedPayload);
      }
    }
    return [...payloads].map(decodeRolloutRecord);
  } catch (error) {
    context.output.warn(`The paused rollouts were not read: ${toTomcatPdError(error).message}`);
    return [];
  }
}

/** The apps whose lock is a paused rollout's on some target. */
function pausedApps(locks: readonly TargetLocks[]): string[] {
  const paths = locks.flatMap((target) =>
    target.kind === 'read'
      ? target.holders.flatMap((holder) =>
          holder.paused && holder.scope.kind === 'app' ? [holder.scope.path] : [],
        )
      : [],
  );
  return [...new Set(paths)];
}

/** The paused rollouts as a block after status's table: `pausedRollouts` in the document (none: no field), a line each. */
export function pausedBlock(paused: readonly RolloutRecord[]): { document: object; text: string } {
  if (paused.length === 0) return { document: {}, text: '' };
  return {
    document: { pausedRollouts: paused.map(pausedRolloutDocument) },
    text: paused.map(pausedRolloutLine).join('\n'),
  };
}
