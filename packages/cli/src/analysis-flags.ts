import { parseErrorRate, validateAnalysisOptions, type AnalysisOptions } from '@tomcat-pd/core';
import { parseDuration, parseWholeNumber } from './durations.js';
import { refuseStrayOptions } from './option-values.js';

/** The canary analysis options of `deploy`, as commander gives them. */
export interface AnalysisFlags {
  analyze?: string;
  maxErrorRate?: string;
  minRequests?: string;
  interval?: string;
  onInconclusive?: 'keep' | 'rollback';
}

/**
 * `--analyze D` and the options that tune it, as the core's analysis options; those options
 * without `--analyze` are a mistake (they would silently do nothing).
 */
export function parseAnalysisFlags(flags: AnalysisFlags): AnalysisOptions | undefined {
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
  const options: AnalysisOptions = {
    windowMs: parseDuration(flags.analyze, '--analyze'),
    maxErrorRate: flags.maxErrorRate === undefined ? undefined : parseErrorRate(flags.maxErrorRate),
    minRequests:
      flags.minRequests === undefined ? undefined : parseWholeNumber(flags.minRequests, '--min-requests', 1),
    intervalMs: flags.interval === undefined ? undefined : parseDuration(flags.interval, '--interval'),
    onInconclusive: flags.onInconclusive,
  };
  validateAnalysisOptions(options);
  return options;
}
