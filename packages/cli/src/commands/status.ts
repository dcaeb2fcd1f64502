import { getMetrics, getStatus, onEachTarget, validateContextPath } from '@tomcat-pd/core';
import type { CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { metricsDocument, renderMetrics } from '../render/metrics.js';
import { renderStatus, statusDocument } from '../render/status.js';
import { reportOutcomes } from '../target-outcomes.js';

interface StatusInput {
  path: string | undefined;
  metrics: boolean;
}

/** A bad path is a usage error of the command, not of each target: refused before connecting. */
export function parse({ options }: CommandLine<{ path?: string; metrics?: boolean }>): StatusInput {
  return {
    path: options.path === undefined ? undefined : validateContextPath(options.path),
    metrics: options.metrics === true,
  };
}

/**
 * `tomcat-pd status [--path P] [--metrics]`: every selected target, merged into one report. Plain
 * status is one `list` per target; `--metrics` adds the status page (slow on a server with many
 * versions) and a `sessions` read per draining version.
 */
export async function run(context: CliContext, { path, metrics }: StatusInput): Promise<void> {
  const clients = await context.clients();
  const options = { parallel: context.parallel };
  const read = { path, signal: context.signal };
  if (metrics) {
    reportOutcomes(context, await onEachTarget(clients, (client) => getMetrics(client, read), options), {
      document: metricsDocument,
      render: (reports, several) => renderMetrics(reports, several, context.output.colors, path),
    });
  } else {
    reportOutcomes(context, await onEachTarget(clients, (client) => getStatus(client, read), options), {
      document: statusDocument,
      render: (reports, several) => renderStatus(reports, several, context.output.colors, path),
    });
  }
}
