import { onEachTarget } from '@tomcat-pd/core';
import { readHistory, validateContextPath } from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine } from '../command-line.js';
import type { HistoryFlags } from '../commands/history.js';
import type { CliContext } from '../context.js';
import { historyDocument, renderHistory } from '../render/history.js';
import { reportOutcomes } from '../target-outcomes.js';

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
  const outcomes = await onEachTarget(clients, (client, signal) => readHistory(client, path, signal), {
    parallel: context.parallel,
    signal: context.signal,
  });
  reportOutcomes(context, outcomes, {
    document: historyDocument,
    render: (reports) => renderHistory(reports, context.output.colors),
  });
}
