import { onEachTarget, type ManagerClient, type MetricsReport, type StatusReport } from '@tomcat-pd/core';
import {
  DEFAULT_MAX_RESIDENT,
  MIN_ANALYSIS_INTERVAL_MS,
  parseMetricsOptions,
  parseWatchFleetOptions,
  readMetrics,
  readStatus,
  type MetricsSpec,
  type WatchSpec,
} from '@tomcat-pd/core/internal';
import { UsageError } from '@tomcat-pd/core/errors';
import type { CommandLine } from '../command-line.js';
import { WATCH_INTERVAL_MS, type StatusFlags } from '../commands/status.js';
import type { CliContext } from '../context.js';
import { formatDuration, parseDuration, parseWholeNumber } from '../flags/flag-values.js';
import { metricsDocument, renderMetrics } from '../render/metrics.js';
import { renderStatus, statusDocument } from '../render/status.js';
import { statusWarnings, warningText } from '../render/status-warnings.js';
import { reportOutcomes, withBlock, type MergedReport, type TargetError } from '../target-outcomes.js';
import type { BehindBalancers } from './status-balancers.js';
import { appScope, locksBlockOf } from '../lock/locks-block.js';
import { recordingLocks } from '../lock/listing-locks.js';
import { pausedBlock, pausedRolloutsOf } from './status-paused.js';
import { watchStatus, type WatchView } from './status-watch.js';

interface StatusInput {
  /** What is read: the app or every app, and with `--metrics` the status page too. */
  spec: MetricsSpec;
  metrics: boolean;
  maxResident: number;
  /** With `--watch`: the watch. */
  watch: WatchSpec | undefined;
}

/** A bad path is a usage error of the command, not of each target: refused before connecting. */
export function parse({ flags }: CommandLine<StatusFlags>): StatusInput {
  const metrics = flags.metrics === true;
  if (flags.interval !== undefined && flags.watch !== true) {
    throw new UsageError('--interval sets how often --watch reads: give --watch too.');
  }
  const spec = parseMetricsOptions({ path: flags.path });
  return {
    spec,
    metrics,
    maxResident:
      flags.maxResident === undefined
        ? DEFAULT_MAX_RESIDENT
        : parseWholeNumber(flags.maxResident, '--max-resident', 1),
    watch:
      flags.watch === true
        ? parseWatchFleetOptions({
            path: spec.path,
            metrics,
            intervalMs: watchInterval(flags.interval, metrics),
          })
        : undefined,
  };
}

/** The status page is slow on a server with many versions: with --metrics, never more often than its floor. */
function watchInterval(text: string | undefined, metrics: boolean): number {
  const floor = metrics ? MIN_ANALYSIS_INTERVAL_MS : 1_000;
  const chosen = text === undefined ? Math.max(WATCH_INTERVAL_MS, floor) : parseDuration(text, '--interval');
  if (chosen < floor) {
    throw new UsageError(
      `--interval must be at least ${formatDuration(floor)}${metrics ? " with --metrics (Tomcat's status page is slow to build)" : ''}, not ${text}.`,
    );
  }
  return chosen;
}

/**
 * `tomcat-pd status [--path P] [--metrics] [--max-resident N] [--watch [--interval D]]`: every
 * selected target, merged into one report, with a warning for each app over N resident
 * versions. Plain status is one `list` per target; `--metrics` adds the status page (slow on a
 * server with many versions), a `sessions` read per draining version, and a warning when
 * Metaspace is nearly full. `--watch` reads again every interval until Ctrl-C. With balancers
 * in the config (and no --watch), each target's colour behind them and a restart in progress.
 */
export async function run(context: CliContext, input: StatusInput): Promise<void> {
  const { colors } = context.output;
  const { path } = input.spec;
  const plain: Reading<StatusReport> = {
    read: readStatus,
    document: statusDocument,
    render: (reports, several) => renderStatus(reports, several, colors, path),
  };
  const withMetrics: Reading<MetricsReport> = {
    read: readMetrics,
    document: metricsDocument,
    render: (reports, several) => renderMetrics(reports, several, colors, path),
  };
  const clients = await context.clients();
  if (input.watch !== undefined) {
    const options = `${input.metrics ? ' --metrics' : ''}${path === undefined ? '' : ` --path ${path}`}`;
    // A watch reads `list` (and the status page) into a MetricsReport, which is a StatusReport too.
    const view: WatchView = {
      ...(input.metrics ? viewOf(withMetrics, input) : viewOf(plain, input)),
      command: `tomcat-pd status${options}`,
    };
    await watchStatus(context, clients, input.watch, view);
    return;
  }
  // Known from the config as read: the balancers' code is loaded only when it has some. Status
  // is about the Tomcats: balancers it cannot set up (a credential missing) are a warning only.
  const behind =
    (context.config?.balancers.length ?? 0) === 0
      ? undefined
      : import('./status-balancers.js')
          .then(({ readBehindBalancers }) => readBehindBalancers(context, clients))
          .catch((error: unknown) => {
            context.output.warn(`The balancers were not read: ${(error as Error).message}`);
            return undefined;
          });
  await (input.metrics
    ? showOnce(context, clients, input, withMetrics, behind)
    : showOnce(context, clients, input, plain, behind));
}

/** One way of reading and showing the targets: plain status, or with metrics. */
interface Reading<T> {
  read(client: ManagerClient, spec: MetricsSpec, signal: AbortSignal): Promise<T>;
  document(values: T[], errors: TargetError[]): object;
  render(values: T[], several: boolean): string;
}

/** The merged report of a reading, its warnings in the document. */
function viewOf<T extends StatusReport>(reading: Reading<T>, input: StatusInput) {
  const warnings = (values: T[]) => statusWarnings(values, input.maxResident);
  const report: MergedReport<T> = {
    document: (values, errors) => ({ ...reading.document(values, errors), warnings: warnings(values) }),
    render: (values, several) => reading.render(values, several),
  };
  return { report, warnings };
}

async function showOnce<T extends StatusReport>(
  context: CliContext,
  clients: ManagerClient[],
  input: StatusInput,
  reading: Reading<T>,
  behind: Promise<BehindBalancers | undefined> | undefined,
): Promise<void> {
  const { report, warnings } = viewOf(reading, input);
  // Who holds the lock, and the paused rollouts, from the `list` each target's read makes (docs/lock.md).
  const listed = recordingLocks(clients, appScope(input.spec.path));
  const [outcomes, balancers] = await Promise.all([
    onEachTarget(listed.clients, (client, signal) => reading.read(client, input.spec, signal), {
      parallel: context.parallel,
      signal: context.signal,
    }),
    behind,
  ]);
  const locks = locksBlockOf(listed.readings());
  const paused = pausedRolloutsOf(listed.readings(), (message) => context.output.warn(message));
  const values = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
  if (!context.output.json) for (const warning of warnings(values)) context.output.warn(warningText(warning));
  const shown = withBlock(balancers === undefined ? report : withBlock(report, balancers), locks);
  reportOutcomes(context, outcomes, withBlock(shown, pausedBlock(paused)));
}
