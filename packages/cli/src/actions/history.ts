import { onEachTarget, type HistoryReport } from '@tomcat-pd/core';
import { readHistory, validateContextPath } from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine } from '../command-line.js';
import type { HistoryFlags } from '../commands/history.js';
import type { CliContext } from '../context.js';
import { historyDocument, renderHistory } from '../render/history.js';
import { readLocksBlock } from '../lock/locks-block.js';
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
  const [outcomes, locks] = await Promise.all([
    onEachTarget(clients, (client, signal) => readHistory(client, path, signal), {
      parallel: context.parallel,
      signal: context.signal,
    }),
    readLocksBlock(clients, path, context.signal),
  ]);
  const report: MergedReport<HistoryReport> = {
    document: historyDocument,
    render: (reports) => renderHistory(reports, context.output.colors),
  };
  reportOutcomes(context, outcomes, withBlock(report, locks));
}
