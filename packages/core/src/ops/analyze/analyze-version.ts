import type { AnalysisReport, AnalysisVerdict } from '../../common/analysis-report.js';
import type { RunContext } from '../run-context.js';
import { sleep } from '../../common/sleep.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { AbortedError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import { failsEveryTime } from '../lasting-failure.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { ContextMetrics } from '../../manager/parse/types.js';
import { contextsOfManagerHost } from '../metrics/metrics.js';
import type { AnalysisSpec } from './analysis-options.js';
import {
  advanceWindow,
  judgeWindow,
  openWindow,
  windowFigures,
  type WindowState,
} from './analysis-window.js';

/** The version watched, and the one measured beside it. */
export interface AnalysisSubject {
  readonly path: string;
  /** The new version, watched. */
  readonly version: string;
  /** The version that was live before, measured over the same window as the baseline. */
  readonly baseline: string | undefined;
}

/** How an analysis runs: its context, and a signal that ends its window early. */
export interface AnalysisContext extends RunContext {
  /**
   * Ends the window early, without a verdict of its own (another target of the same rollout step
   * failed, so this one is undone anyway): the report so far, `inconclusive`, with a note.
   */
  readonly stop?: AbortSignal | undefined;
}

/** One reading: the counters of the new version and of the baseline, or why there are none. */
type Reading =
  | { kind: 'read'; version: ContextMetrics | undefined; baseline: ContextMetrics | undefined }
  | { kind: 'unread'; why: string; final: boolean };

/**
 * Watches a version that just went live: reads the status page at the start and every interval
 * until the window ends, and judges the growth of its errors over the growth of its requests
 * ({@link judgeWindow}); stops at the first reading that fails it. A reading that cannot be had
 * (Tomcat restarting, a dropped connection) is skipped; an answer that cannot be read, or the
 * version gone from the page (undeployed meanwhile), ends the analysis as `inconclusive` with a
 * note. Nothing is undone here: the caller decides what the verdict means.
 * @throws TomcatPdError `E_ABORTED` when the signal aborts.
 */
export async function analyzeVersion(
  client: ManagerClient,
  subject: AnalysisSubject,
  analysis: AnalysisSpec,
  context: AnalysisContext,
): Promise<AnalysisReport> {
  const started = Date.now();
  const deadline = started + analysis.windowMs;
  let fresh: WindowState | undefined;
  let base: WindowState | undefined;
  let samples = 0;
  const report = (verdict: AnalysisVerdict, note?: string): AnalysisReport => ({
    target: client.name,
    path: subject.path,
    version: subject.version,
    verdict,
    ...(fresh === undefined ? { requests: 0, errors: 0, errorRate: null } : windowFigures(fresh)),
    baseline:
      base === undefined || subject.baseline === undefined
        ? null
        : { version: subject.baseline, ...windowFigures(base) },
    windowMs: Date.now() - started,
    samples,
    restarts: fresh?.restarts ?? 0,
    ...(note === undefined ? {} : { note }),
  });
  for (;;) {
    const final = Date.now() >= deadline;
    const reading = await read(client, subject, context.signal, final);
    if (reading.kind === 'unread') {
      if (reading.final) return report('inconclusive', reading.why);
      context.logger.warn?.(`${client.name}: ${reading.why}; the analysis goes on`);
    } else {
      if (reading.version === undefined) {
        return report(
          'inconclusive',
          `version ${subject.version} of ${subject.path} is no longer on the status page (undeployed or stopped meanwhile)`,
        );
      }
      samples += 1;
      fresh = fresh === undefined ? openWindow(reading.version) : advanceWindow(fresh, reading.version);
      if (reading.baseline !== undefined)
        base = base === undefined ? openWindow(reading.baseline) : advanceWindow(base, reading.baseline);
      const verdict = samples < 2 ? undefined : judgeWindow(windowFigures(fresh), analysis, final);
      if (verdict !== undefined) return report(verdict);
    }
    if (final) return report('inconclusive', 'no second reading of the status page in the window');
    const wait = Math.min(analysis.intervalMs, Math.max(deadline - Date.now(), 0));
    await sleep(wait, context.signal, context.stop);
    if (context.signal?.aborted) throw new AbortedError('The analysis was aborted.');
    if (context.stop?.aborted)
      return report('inconclusive', 'cut short: the deploy failed on another target');
  }
}

async function read(
  client: ManagerClient,
  subject: AnalysisSubject,
  signal: AbortSignal | undefined,
  final: boolean,
): Promise<Reading> {
  try {
    const contexts = contextsOfManagerHost(await client.serverMetrics({ signal }), client.managerUrl);
    return {
      kind: 'read',
      version: contexts.get(`${subject.path}##${subject.version}`),
      baseline:
        subject.baseline === undefined ? undefined : contexts.get(`${subject.path}##${subject.baseline}`),
    };
  } catch (error) {
    if (signal?.aborted) throw new AbortedError('The analysis was aborted.');
    const failure = toTomcatPdError(error);
    // These will not read better at the next interval: an answer that cannot be read, and what
    // fails every time (no JSON, a 401/403, whose repetition would get the user locked out).
    const lasting = failure.code === ErrorCode.protocol || failsEveryTime(failure);
    return {
      kind: 'unread',
      why: `the status page could not be read (${failure.message})`,
      final: final || lasting,
    };
  }
}
