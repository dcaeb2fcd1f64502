import {
  DEFAULT_MAX_RESIDENT,
  MIN_ANALYSIS_INTERVAL_MS,
  UsageError,
  getMetrics,
  getStatus,
  onEachTarget,
  validateContextPath,
  type ManagerClient,
  type MetricsReport,
  type StatusReport,
  type TargetOutcome,
} from '@tomcat-pd/core';
import type { CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { parseDuration, parseWholeNumber } from '../durations.js';
import { metricsDocument, renderMetrics } from '../render/metrics.js';
import { renderStatus, statusDocument } from '../render/status.js';
import { statusWarnings, warningText } from '../render/status-warnings.js';
import { reportOutcomes, type TargetError } from '../target-outcomes.js';
import { watchStatus, type StatusView } from './status-watch.js';

interface StatusInput {
  path: string | undefined;
  metrics: boolean;
  maxResident: number;
  /** With `--watch`: how long between two reads. */
  watchIntervalMs: number | undefined;
}

interface StatusFlags {
  path?: string;
  metrics?: boolean;
  maxResident?: string;
  watch?: boolean;
  interval?: string;
}

/** How often `--watch` reads unless `--interval` says: `list` is cheap. */
const WATCH_INTERVAL_MS = 5_000;

/** A bad path is a usage error of the command, not of each target: refused before connecting. */
export function parse({ options }: CommandLine<StatusFlags>): StatusInput {
  const metrics = options.metrics === true;
  if (options.interval !== undefined && options.watch !== true) {
    throw new UsageError('--interval sets how often --watch reads: give --watch too.');
  }
  return {
    path: options.path === undefined ? undefined : validateContextPath(options.path),
    metrics,
    maxResident:
      options.maxResident === undefined
        ? DEFAULT_MAX_RESIDENT
        : parseWholeNumber(options.maxResident, '--max-resident', 1),
    watchIntervalMs: options.watch === true ? watchInterval(options.interval, metrics) : undefined,
  };
}

/** The status page is slow on a server with many versions: with --metrics, never more often than its floor. */
function watchInterval(text: string | undefined, metrics: boolean): number {
  const floor = metrics ? MIN_ANALYSIS_INTERVAL_MS : 1_000;
  const chosen = text === undefined ? Math.max(WATCH_INTERVAL_MS, floor) : parseDuration(text, '--interval');
  if (chosen < floor) {
    throw new UsageError(
      `--interval must be at least ${floor / 1000}s${metrics ? " with --metrics (Tomcat's status page is slow to build)" : ''}, not ${text}.`,
    );
  }
  return chosen;
}

/**
 * `tomcat-pd status [--path P] [--metrics] [--max-resident N] [--watch [--interval D]]`: every
 * selected target, merged into one report, with a warning for each app over N resident
 * versions. Plain status is one `list` per target; `--metrics` adds the status page (slow on a
 * server with many versions), a `sessions` read per draining version, and a warning when
 * Metaspace is nearly full. `--watch` reads again every interval until Ctrl-C.
 */
export async function run(context: CliContext, input: StatusInput): Promise<void> {
  const clients = await context.clients();
  const { path } = input;
  const each = <T>(work: (client: ManagerClient, signal: AbortSignal) => Promise<T>) =>
    onEachTarget(clients, work, { parallel: context.parallel, signal: context.signal });
  const { colors } = context.output;
  if (input.metrics) {
    await show(context, input, {
      read: () => each((client, signal) => getMetrics(client, { path, signal })),
      document: metricsDocument,
      render: (reports, several) => renderMetrics(reports, several, colors, path),
    });
  } else {
    await show(context, input, {
      read: () => each((client, signal) => getStatus(client, { path, signal })),
      document: statusDocument,
      render: (reports, several) => renderStatus(reports, several, colors, path),
    });
  }
}

/** One way of reading and showing the targets: plain status, or with metrics. */
interface Reading<T> {
  read(): Promise<TargetOutcome<T>[]>;
  document(values: T[], errors: TargetError[]): object;
  render(values: T[], several: boolean): string;
}

async function show<T extends StatusReport | MetricsReport>(
  context: CliContext,
  input: StatusInput,
  reading: Reading<T>,
): Promise<void> {
  const warnings = (values: T[]) => statusWarnings(values, input.maxResident);
  const view: StatusView<T> = {
    read: () => reading.read(),
    report: {
      document: (values, errors) => ({ ...reading.document(values, errors), warnings: warnings(values) }),
      render: (values, several) => reading.render(values, several),
    },
    warnings,
  };
  if (input.watchIntervalMs !== undefined) {
    const options = `${input.metrics ? ' --metrics' : ''}${input.path === undefined ? '' : ` --path ${input.path}`}`;
    await watchStatus(context, view, {
      intervalMs: input.watchIntervalMs,
      command: `tomcat-pd status${options}`,
    });
    return;
  }
  const outcomes = await view.read();
  const values = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
  if (!context.output.json) for (const warning of warnings(values)) context.output.warn(warningText(warning));
  reportOutcomes(context, outcomes, view.report);
}
