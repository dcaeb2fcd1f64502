import { usageError } from '../../errors/error-classes.js';
import { withDefaults } from '../../common/defaults.js';

/** How a new version is watched after it went live (issue 12's canary analysis). */
export interface AnalysisOptions {
  /** How long the new version is watched. */
  windowMs: number;
  /** The highest error rate accepted, as a fraction: `0.05` for 5 %. @defaultValue 0.05 */
  maxErrorRate?: number | undefined;
  /** Requests the new version must serve for a verdict. @defaultValue 20 */
  minRequests?: number | undefined;
  /** Between two readings of the status page; at least {@link MIN_ANALYSIS_INTERVAL_MS}. @defaultValue 10 000 */
  intervalMs?: number | undefined;
  /** Too few requests by the end: keep the release (with a warning), or undo it. @defaultValue 'keep' */
  onInconclusive?: 'keep' | 'rollback' | undefined;
}

/**
 * The status page costs the server tens of milliseconds of CPU per read with a hundred resident
 * versions, and grows faster than their number (docs/tomcat-manager.md#status-json): never
 * read it more often than this.
 */
export const MIN_ANALYSIS_INTERVAL_MS = 5_000;

export const ANALYSIS_DEFAULTS = {
  maxErrorRate: 0.05,
  minRequests: 20,
  intervalMs: 10_000,
  onInconclusive: 'keep',
} as const;

/** The analysis options checked and with their defaults: what an analysis runs with. */
export type AnalysisSpec = Readonly<
  Required<{
    [K in keyof AnalysisOptions]: Exclude<AnalysisOptions[K], undefined>;
  }>
>;

/** The options with their defaults, checked. @throws UsageError naming the option. */
export function parseAnalysisOptions(options: AnalysisOptions): AnalysisSpec {
  const checked = withDefaults(options, ANALYSIS_DEFAULTS);
  if (!Number.isFinite(checked.windowMs) || checked.windowMs <= 0) {
    throw usageError(`The analysis window must be longer than 0, not ${String(options.windowMs)} ms.`);
  }
  if (!Number.isFinite(checked.intervalMs) || checked.intervalMs < MIN_ANALYSIS_INTERVAL_MS) {
    throw usageError(
      `The analysis interval must be at least ${MIN_ANALYSIS_INTERVAL_MS / 1000} s, not ${String(checked.intervalMs)} ms: ` +
        "each reading costs the server the status page's work (docs: status JSON).",
    );
  }
  if (!(checked.maxErrorRate >= 0 && checked.maxErrorRate <= 1)) {
    throw usageError(
      `The highest error rate must be from 0 to 100 %, not ${String(checked.maxErrorRate * 100)} %.`,
    );
  }
  if (!Number.isSafeInteger(checked.minRequests) || checked.minRequests < 1) {
    throw usageError(
      `The requests needed for a verdict must be a whole number of at least 1, not ${String(checked.minRequests)}.`,
    );
  }
  if (checked.onInconclusive !== 'keep' && checked.onInconclusive !== 'rollback') {
    throw usageError(
      `What an inconclusive analysis does is keep or rollback, not ${JSON.stringify(checked.onInconclusive)}.`,
    );
  }
  return checked;
}
