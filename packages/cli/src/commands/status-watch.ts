import { setTimeout as sleep } from 'node:timers/promises';
import { failsEveryTime, type TargetOutcome } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { warningText, type StatusWarning } from '../render/status-warnings.js';
import { highlightChanges, watchHeading } from '../render/watch.js';
import { joinBlocks, mergeOutcomes, type MergedReport } from '../target-outcomes.js';

/** What `status --watch` reads each round and how it shows it. */
export interface StatusView<T> {
  read(): Promise<TargetOutcome<T>[]>;
  report: MergedReport<T>;
  warnings(values: T[]): StatusWarning[];
}

export interface WatchOptions {
  intervalMs: number;
  /** The command as people typed it, for the heading. */
  command: string;
}

/**
 * Reads every `intervalMs` until the signal (Ctrl-C, SIGTERM), then returns: exit 0. On a
 * terminal the screen is redrawn in place, the lines that changed since the last read
 * highlighted; through a pipe the text is printed again only when it changed (a log shows each
 * change once), and with `--json` one line per change. A target that cannot be read is shown in
 * place and the watch goes on: it may be back at the next read; one that would fail the same way
 * every time (a 401, a 403) ends it with that error, before Tomcat locks the user out.
 */
export async function watchStatus<T>(
  context: CliContext,
  view: StatusView<T>,
  options: WatchOptions,
): Promise<void> {
  const { output, signal } = context;
  let previous: string | undefined;
  while (!signal.aborted) {
    const merged = mergeOutcomes(await view.read(), view.report);
    if (signal.aborted) break;
    // A 401 asked again every interval gets the user locked out: such an error ends the watch.
    const lasting = merged.errors.find(({ error }) => failsEveryTime(error));
    if (lasting !== undefined) throw lasting.error;
    const readAt = new Date();
    if (output.json) {
      const line = JSON.stringify(merged.document);
      if (line !== previous)
        output.line({ readAt: readAt.toISOString(), ...(merged.document as object) }, () => '');
      previous = line;
    } else {
      const text = joinBlocks(
        merged.text(true),
        view
          .warnings(merged.values)
          .map((warning) => `warning: ${warningText(warning)}`)
          .join('\n'),
      );
      if (output.isTerminal) {
        output.screen(
          `${watchHeading(options.command, options.intervalMs, readAt)}\n\n${highlightChanges(previous, text, output.colors)}`,
        );
      } else if (text !== previous) {
        output.line(undefined, () => `--- ${readAt.toISOString()}\n${text}`);
      }
      previous = text;
    }
    await sleep(options.intervalMs, undefined, { signal }).catch(() => undefined);
  }
}
