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
import { joinBlocks, type MergedReport } from '../target-outcomes.js';

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

/** The report with the paused rollouts after it: `pausedRollouts` in the document, a line each after the table. */
export function withPausedRollouts<T>(
  report: MergedReport<T>,
  paused: readonly RolloutRecord[],
): MergedReport<T> {
  if (paused.length === 0) return report;
  return {
    document: (values, errors) => ({
      ...(report.document(values, errors) as object),
      pausedRollouts: paused.map(pausedRolloutDocument),
    }),
    render: (values, several) =>
      joinBlocks(report.render(values, several), paused.map(pausedRolloutLine).join('\n')),
  };
}
