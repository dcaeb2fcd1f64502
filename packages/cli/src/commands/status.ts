import { getStatus, onEachTarget, validateContextPath } from '@tomcat-pd/core';
import type { CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { renderStatus, statusDocument } from '../render/status.js';
import { reportOutcomes } from '../target-outcomes.js';

interface StatusInput {
  path: string | undefined;
}

/** A bad path is a usage error of the command, not of each target: refused before connecting. */
export function parse({ options }: CommandLine<{ path?: string }>): StatusInput {
  return { path: options.path === undefined ? undefined : validateContextPath(options.path) };
}

/** `tomcat-pd status [--path P]`: every selected target, merged into one report. */
export async function run(context: CliContext, { path }: StatusInput): Promise<void> {
  const clients = await context.clients();
  const outcomes = await onEachTarget(
    clients,
    (client) => getStatus(client, { path, signal: context.signal }),
    {
      parallel: context.parallel,
    },
  );
  reportOutcomes(context, outcomes, {
    document: statusDocument,
    render: (reports, several) => renderStatus(reports, several, context.output.colors, path),
  });
}
