import {
  DEFAULT_MAX_RESIDENT,
  getMetrics,
  getStatus,
  onEachTarget,
  validateContextPath,
  type TargetOutcome,
} from '@tomcat-pd/core';
import type { CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { parseWholeNumber } from '../durations.js';
import { metricsDocument, renderMetrics } from '../render/metrics.js';
import { renderStatus, statusDocument } from '../render/status.js';
import { statusWarnings, warningText } from '../render/status-warnings.js';
import { reportOutcomes, type TargetError } from '../target-outcomes.js';

interface StatusInput {
  path: string | undefined;
  metrics: boolean;
  maxResident: number;
}

interface StatusFlags {
  path?: string;
  metrics?: boolean;
  maxResident?: string;
}

/** A bad path is a usage error of the command, not of each target: refused before connecting. */
export function parse({ options }: CommandLine<StatusFlags>): StatusInput {
  return {
    path: options.path === undefined ? undefined : validateContextPath(options.path),
    metrics: options.metrics === true,
    maxResident:
      options.maxResident === undefined
        ? DEFAULT_MAX_RESIDENT
        : parseWholeNumber(options.maxResident, '--max-resident', 1),
  };
}

/**
 * `tomcat-pd status [--path P] [--metrics] [--max-resident N]`: every selected target, merged
 * into one report, with a warning for each app over N resident versions. Plain status is one
 * `list` per target; `--metrics` adds the status page (slow on a server with many versions), a
 * `sessions` read per draining version, and a warning when Metaspace is nearly full.
 */
export async function run(context: CliContext, { path, metrics, maxResident }: StatusInput): Promise<void> {
  const clients = await context.clients();
  const options = { parallel: context.parallel };
  const read = { path, signal: context.signal };
  if (metrics) {
    const outcomes = await onEachTarget(clients, (client) => getMetrics(client, read), options);
    report(context, outcomes, maxResident, {
      document: metricsDocument,
      render: (reports, several) => renderMetrics(reports, several, context.output.colors, path),
    });
  } else {
    const outcomes = await onEachTarget(clients, (client) => getStatus(client, read), options);
    report(context, outcomes, maxResident, {
      document: statusDocument,
      render: (reports, several) => renderStatus(reports, several, context.output.colors, path),
    });
  }
}

/** The merged report with the warnings of the targets that answered: in the JSON, and on stderr. */
function report<T extends Parameters<typeof statusWarnings>[0][number]>(
  context: CliContext,
  outcomes: TargetOutcome<T>[],
  maxResident: number,
  merged: {
    document(values: T[], errors: TargetError[]): object;
    render(values: T[], several: boolean): string;
  },
): void {
  const reports = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
  const warnings = statusWarnings(reports, maxResident);
  if (!context.output.json) for (const warning of warnings) context.output.warn(warningText(warning));
  reportOutcomes(context, outcomes, {
    document: (values, errors) => ({ ...merged.document(values, errors), warnings }),
    render: (values, several) => merged.render(values, several),
  });
}
