import type {
  FleetSnapshot,
  ManagerClient,
  MetricsReport,
  TargetOutcome,
  TomcatPdError,
} from '@tomcat-pd/core';
import { failsEveryTime, fleetRunContextOf, runWatchFleet, type WatchSpec } from '@tomcat-pd/core/internal';
import type { CliContext } from '../context.js';
import { warningText, type StatusWarning } from '../render/status-warnings.js';
import { highlightChanges, watchHeading } from '../render/watch.js';
import { joinBlocks, mergeOutcomes, type MergedReport } from '../target-outcomes.js';

/** How `status --watch` shows what it reads: each target's `list` (and status page) as a MetricsReport. */
export interface WatchView {
  report: MergedReport<MetricsReport>;
  warnings(values: MetricsReport[]): StatusWarning[];
  /** The command as people typed it, for the heading. */
  command: string;
}

/**
 * Reads every target every interval (the core's `watchFleet`) until the signal (Ctrl-C,
 * SIGTERM), then returns: exit 0. Once every target has been read, the whole fleet is shown
 * after each read: on a terminal the screen is redrawn in place, the lines that changed since the
 * last drawing highlighted; through a pipe the text is printed again only when it changed (a log
 * shows each change once), and with `--json` one line per change. A target that cannot be read is
 * shown in place and the watch goes on: it may be back at the next read; one that would fail the
 * same way every time (a 401, a 403, no status page with `--metrics`) ends it with that error,
 * before Tomcat locks the user out.
 */
export async function watchStatus(
  context: CliContext,
  clients: readonly ManagerClient[],
  spec: WatchSpec,
  view: WatchView,
): Promise<void> {
  const { output } = context;
  let previous: string | undefined;
  const watch = new AbortController();
  const stopWith = (error: TomcatPdError) => {
    lasting ??= error;
    watch.abort();
  };
  let lasting: TomcatPdError | undefined;
  const show = (snapshot: FleetSnapshot) => {
    const outcomes = outcomesOf(snapshot);
    // Not every target read yet, or the watch ends (its error says why).
    if (outcomes === undefined || endsTheWatch(snapshot)) return;
    const missing = missingMetrics(snapshot);
    if (missing !== undefined) return stopWith(missing);
    const merged = mergeOutcomes(outcomes, view.report);
    const readAt = new Date();
    if (output.json) {
      const line = JSON.stringify(merged.document);
      if (line !== previous)
        output.line({ readAt: readAt.toISOString(), ...(merged.document as object) }, () => '');
      previous = line;
      return;
    }
    const warnings = view.warnings(merged.values).map((warning) => `warning: ${warningText(warning)}`);
    const text = joinBlocks(merged.text(true), warnings.join('\n'));
    if (output.isTerminal) {
      output.screen(
        `${watchHeading(view.command, spec.intervalMs, readAt)}\n\n${highlightChanges(previous, text, output.colors)}`,
      );
    } else if (text !== previous) {
      output.line(undefined, () => `--- ${readAt.toISOString()}\n${text}`);
    }
    previous = text;
  };
  const stop = () => watch.abort();
  context.signal.addEventListener('abort', stop, { once: true });
  try {
    await runWatchFleet(clients, spec, {
      ...fleetRunContextOf({ parallel: context.parallel, signal: watch.signal, logger: output.logger }),
      onChange: show,
    });
  } finally {
    context.signal.removeEventListener('abort', stop);
  }
  if (lasting !== undefined) throw lasting;
}

/** Each target's report or error, once every target has been read; `undefined` before. */
function outcomesOf(snapshot: FleetSnapshot): TargetOutcome<MetricsReport>[] | undefined {
  const outcomes: TargetOutcome<MetricsReport>[] = [];
  for (const entry of snapshot.targets) {
    if (entry.state === 'pending') return undefined;
    outcomes.push(
      entry.state === 'up'
        ? { target: entry.target, ok: true, value: entry.report }
        : { target: entry.target, ok: false, error: entry.error },
    );
  }
  return outcomes;
}

/** A target is down for good: its failure ends the watch, which then throws its error. */
function endsTheWatch(snapshot: FleetSnapshot): boolean {
  return snapshot.targets.some((entry) => entry.state === 'down' && !entry.readAgain);
}

/**
 * With `--metrics`, a target whose status page is absent or refused would show no metrics at
 * every read, as `status --metrics` refuses it once: the watch ends with the same error.
 */
function missingMetrics(snapshot: FleetSnapshot): TomcatPdError | undefined {
  for (const entry of snapshot.targets) {
    if (entry.state === 'up' && entry.metrics.kind === 'none' && failsEveryTime(entry.metrics.reason)) {
      return entry.metrics.reason;
    }
  }
  return undefined;
}
