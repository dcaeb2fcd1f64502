import type { AnalysisReport, AnalysisVerdict } from '../../common/analysis-report.js';
import type { Logger } from '../../common/logger.js';
import { ErrorCode, TomcatPdError, failsEveryTime, toTomcatPdError } from '../../errors/errors.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { ContextMetrics } from '../../manager/types.js';
import { contextsOfManagerHost } from '../metrics/metrics.js';
import { validateAnalysisOptions, type AnalysisOptions } from './analysis-options.js';
import {
  advanceWindow,
  judgeWindow,
  openWindow,
  windowFigures,
  type WindowState,
} from './analysis-window.js';

export interface AnalyzeVersionOptions {
  path: string;
  /** The new version, watched. */
  version: string;
  /** The version that was live before, measured over the same window as the baseline. */
  baseline: string | undefined;
  analysis: AnalysisOptions;
  signal?: AbortSignal | undefined;
  /**
   * Ends the window early, without a verdict of its own (another target of the same rollout step
   * failed, so this one is undone anyway): the report so far, `inconclusive`, with a note.
   */
  stop?: AbortSignal | undefined;
  logger: Logger;
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
  options: AnalyzeVersionOptions,
): Promise<AnalysisReport> {
  const analysis = validateAnalysisOptions(options.analysis);
  const started = Date.now();
  const deadline = started + analysis.windowMs;
  let fresh: WindowState | undefined;
  let base: WindowState | undefined;
  let samples = 0;
  const report = (verdict: AnalysisVerdict, note?: string): AnalysisReport => ({
    target: client.name,
    path: options.path,
    version: options.version,
    verdict,
    ...(fresh === undefined ? { requests: 0, errors: 0, errorRate: null } : windowFigures(fresh)),
    baseline:
      base === undefined || options.baseline === undefined
        ? null
        : { version: options.baseline, ...windowFigures(base) },
    windowMs: Date.now() - started,
    samples,
    restarts: fresh?.restarts ?? 0,
    ...(note === undefined ? {} : { note }),
  });
  for (;;) {
    const final = Date.now() >= deadline;
    const reading = await read(client, options, final);
    if (reading.kind === 'unread') {
      if (reading.final) return report('inconclusive', reading.why);
      options.logger.warn?.(`${client.name}: ${reading.why}; the analysis goes on`);
    } else {
      if (reading.version === undefined) {
        return report(
          'inconclusive',
          `version ${options.version} of ${options.path} is no longer on the status page (undeployed or stopped meanwhile)`,
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
    await pause(
      Math.min(analysis.intervalMs, Math.max(deadline - Date.now(), 0)),
      options.signal,
      options.stop,
    );
    if (options.stop?.aborted)
      return report('inconclusive', 'cut short: the deploy failed on another target');
  }
}

async function read(client: ManagerClient, options: AnalyzeVersionOptions, final: boolean): Promise<Reading> {
  try {
    const contexts = contextsOfManagerHost(
      await client.serverMetrics({ signal: options.signal }),
      client.managerUrl,
    );
    return {
      kind: 'read',
      version: contexts.get(`${options.path}##${options.version}`),
      baseline:
        options.baseline === undefined ? undefined : contexts.get(`${options.path}##${options.baseline}`),
    };
  } catch (error) {
    if (options.signal?.aborted) throw new TomcatPdError(ErrorCode.aborted, 'The analysis was aborted.');
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

/**
 * Waits `ms` (the global timer, so that tests can run an analysis window on a fake clock);
 * rejects when `signal` aborts, resolves early when `stop` does.
 */
function pause(ms: number, signal: AbortSignal | undefined, stop: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
      stop?.removeEventListener('abort', done);
      resolve();
    };
    const aborted = () => {
      done();
      reject(new TomcatPdError(ErrorCode.aborted, 'The analysis was aborted.'));
    };
    const timer = setTimeout(done, ms);
    if (signal?.aborted) aborted();
    else if (stop?.aborted) done();
    else {
      signal?.addEventListener('abort', aborted, { once: true });
      stop?.addEventListener('abort', done, { once: true });
    }
  });
}
