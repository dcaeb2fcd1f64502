import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { ANALYSIS_DEFAULTS, MIN_ANALYSIS_INTERVAL_MS } from '@tomcat-pd/core/internal';
import type { AnalysisOptions } from '@tomcat-pd/core';
import {
  formatDuration,
  parseDuration,
  parseErrorRate,
  parseWholeNumber,
  refuseStrayOptions,
} from './flag-values.js';

/** deploy's `--analyze D` and the options that tune the canary analysis, their defaults the core's. */
export function withAnalysisOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
) {
  return command
    .option(
      '--analyze <duration>',
      "once live, watch the new version's error rate on Tomcat's status page for DURATION and undo it " +
        'when it is too high (Tomcat 9.0.83+, 10.1.16+, 11)',
    )
    .addOption(
      new Option(
        '--max-error-rate <percent>',
        'the highest error rate the analysis accepts, e.g. 5 or 5%',
      ).default(undefined, String(ANALYSIS_DEFAULTS.maxErrorRate * 100)),
    )
    .addOption(
      new Option('--min-requests <n>', 'requests the new version must serve for a verdict').default(
        undefined,
        String(ANALYSIS_DEFAULTS.minRequests),
      ),
    )
    .addOption(
      new Option(
        '--interval <duration>',
        `between two readings of the status page (at least ${formatDuration(MIN_ANALYSIS_INTERVAL_MS)})`,
      ).default(undefined, formatDuration(ANALYSIS_DEFAULTS.intervalMs)),
    )
    .addOption(
      new Option(
        '--on-inconclusive <action>',
        'too few requests by the end: keep the release, or roll it back',
      )
        .choices(['keep', 'rollback'] as const)
        .default(undefined, ANALYSIS_DEFAULTS.onInconclusive),
    );
}

/** The values of the analysis options, as commander gives them. */
export interface AnalysisFlags {
  analyze?: string | undefined;
  maxErrorRate?: string | undefined;
  minRequests?: string | undefined;
  interval?: string | undefined;
  onInconclusive?: 'keep' | 'rollback' | undefined;
}

/**
 * `--analyze D` and the options that tune it, as the core's analysis options (which the core
 * checks); those options without `--analyze` are a mistake: they would silently do nothing.
 */
export function analysisOptionsOf(flags: AnalysisFlags): AnalysisOptions | undefined {
  if (flags.analyze === undefined) {
    refuseStrayOptions(
      [
        ['--max-error-rate', flags.maxErrorRate],
        ['--min-requests', flags.minRequests],
        ['--interval', flags.interval],
        ['--on-inconclusive', flags.onInconclusive],
      ],
      (flag) => `${flag} tunes the canary analysis, and none is asked for: give --analyze DURATION too.`,
    );
    return undefined;
  }
  return {
    windowMs: parseDuration(flags.analyze, '--analyze'),
    maxErrorRate: flags.maxErrorRate === undefined ? undefined : parseErrorRate(flags.maxErrorRate),
    minRequests:
      flags.minRequests === undefined ? undefined : parseWholeNumber(flags.minRequests, '--min-requests', 1),
    intervalMs: flags.interval === undefined ? undefined : parseDuration(flags.interval, '--interval'),
    onInconclusive: flags.onInconclusive,
  };
}
