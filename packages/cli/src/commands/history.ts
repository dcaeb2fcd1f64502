import { getHistory, onEachTarget, validateContextPath } from '@tomcat-pd/core';
import { requirePath, type CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { historyDocument, renderHistory } from '../render/history.js';
import { reportOutcomes } from '../target-outcomes.js';

interface HistoryInput {
  path: string;
}

export function parse({ options, defaults }: CommandLine<{ path?: string }>): HistoryInput {
  return { path: validateContextPath(requirePath(options.path, defaults)) };
}

/**
 * `tomcat-pd history --path P`: every resident version on each target, newest first, with its build
 * id and, where the server has the status JSON, when it was deployed and what it served.
 */
export async function run(context: CliContext, { path }: HistoryInput): Promise<void> {
  const clients = await context.clients();
  const outcomes = await onEachTarget(clients, (client, signal) => getHistory(client, { path, signal }), {
    parallel: context.parallel,
    signal: context.signal,
  });
  reportOutcomes(context, outcomes, {
    document: historyDocument,
    render: (reports) => renderHistory(reports, context.output.colors),
  });
}
