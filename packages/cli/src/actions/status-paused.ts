import type { ManagerClient } from '@tomcat-pd/core';
import {
  decodeRolloutRecord,
  readLocks,
  toTomcatPdError,
  type RolloutRecord,
} from '@tomcat-pd/core/internal';
import type { CliContext } from '../context.js';
import { pausedRolloutDocument, pausedRolloutLine } from '../render/paused-rollout.js';
import { joinBlocks, type MergedReport } from '../target-outcomes.js';

/**
 * The paused rollouts kept on the targets (of the app `path`, or of every app), each once however
 * many targets keep it. Status is about the apps: one that cannot be read is a warning.
 */
export async function readPausedRollouts(
  context: CliContext,
  clients: readonly ManagerClient[],
  path: string | undefined,
): Promise<RolloutRecord[]> {
  try {
    const locks = await readLocks(clients, { signal: context.signal });
    const payloads = new Set(
      locks.flatMap((target) =>
        target.kind === 'read' && target.pausedPayload !== undefined ? [target.pausedPayload] : [],
      ),
    );
    return [...payloads]
      .map(decodeRolloutRecord)
      .filter((record) => path === undefined || record.path === path);
  } catch (error) {
    context.output.warn(`The paused rollouts were not read: ${toTomcatPdError(error).message}`);
    return [];
  }
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
