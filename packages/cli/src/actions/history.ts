import { onEachTarget, type HistoryReport } from '@tomcat-pd/core';
import { readHistory, validateContextPath } from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine } from '../command-line.js';
import type { HistoryFlags } from '../commands/history.js';
import type { CliContext } from '../context.js';
import { historyDocument, renderHistory } from '../render/history.js';
import { appScope, locksBlockOf } from '../lock/locks-block.js';
import { recordingLocks } from '../lock/listing-locks.js';
import { reportOutcomes, withBlock, type MergedReport } from '../target-outcomes.js';

/** The app's path, checked: history reads one app. */
export function parse({ flags, defaults }: CommandLine<HistoryFlags>): string {
  return validateContextPath(requirePath(flags.path, defaults));
}

/**
 * `tomcat-pd history --path P`: every resident version on each target, newest first, with its build
 * id and, where the server has the status JSON, when it was deployed and what it served.
 */
export async function run(context: CliContext, path: string): Promise<void> {
  const clients = await context.clients();
  // Who holds the lock, from the `list` each target's read makes (docs/lock.md).
  const listed = recordingLocks(clients, appScope(path));
  const outcomes = await onEachTarget(listed.clients, (client, signal) => readHistory(client, path, signal), {
    parallel: context.parallel,
    signal: context.signal,
  });
  const locks = locksBlockOf(listed.readings());
  const report: MergedReport<HistoryReport> = {
    document: historyDocument,
    render: (reports) => renderHistory(reports, context.output.colors),
  };
  reportOutcomes(context, outcomes, withBlock(report, locks));
}
