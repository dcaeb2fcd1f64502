import type { AnalysisReport, WindowFigures } from '../../common/analysis-report.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { AbortedError, AnalysisError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { AnalysisSpec } from '../analyze/analysis-options.js';
import { analyzeVersion, type AnalysisContext } from '../analyze/analyze-version.js';
import type { DeployPlan } from './plan-deploy.js';
import { undoVersion } from './undo-version.js';

/**
 * Watches a version that has just gone live (and passed its probes) for the analysis window.
 * When its error rate is too high, or it served too few requests and `onInconclusive` says
 * `rollback`, it is undeployed, so that the previous live version takes new visitors again, and
 * an `AnalysisError` gives the figures and what is live now; an abort undoes it too. An
 * inconclusive analysis that keeps the release says so in a warning. The caller holds the app lock.
 */
export async function proveByAnalysis(
  client: ManagerClient,
  plan: DeployPlan,
  analysis: AnalysisSpec,
  /** `stop`: another target of the step failed; the window ends, and the caller undoes this version. */
  context: AnalysisContext,
): Promise<AnalysisReport> {
  const { logger } = context;
  logger.info?.(
    `${client.name}: watching ${plan.displayName} for ${seconds(analysis.windowMs)} s (error rate at most ${percent(analysis.maxErrorRate)})`,
  );
  let report: AnalysisReport;
  try {
    report = await analyzeVersion(
      client,
      { path: plan.path, version: plan.version, baseline: plan.previousLive },
      analysis,
      context,
    );
  } catch (error) {
    const failure = toTomcatPdError(error);
    if (failure.code !== ErrorCode.aborted) throw failure;
    const undone = await undoVersion(client, plan, logger, 'the analysis was aborted');
    throw new AbortedError(`The analysis of ${plan.displayName} was aborted. ${undone}`, { cause: failure });
  }
  if (context.stop?.aborted) return report;
  const what = describeAnalysis(report, analysis);
  if (report.verdict === 'pass') {
    logger.info?.(`${client.name}: ${plan.displayName} passed its analysis: ${what}`);
    return report;
  }
  if (report.verdict === 'inconclusive' && analysis.onInconclusive === 'keep') {
    logger.warn?.(
      `${client.name}: the analysis of ${plan.displayName} was inconclusive (${what}); the release is kept`,
    );
    return report;
  }
  const why = report.verdict === 'fail' ? 'its error rate was too high' : 'its analysis was inconclusive';
  const undone = await undoVersion(client, plan, logger, why);
  const verdict =
    report.verdict === 'fail'
      ? 'failed its canary analysis'
      : 'had an inconclusive canary analysis, which counts as a failure here';
  throw new AnalysisError(`The new version ${plan.displayName} ${verdict}: ${what}. ${undone}`, report);
}

/**
 * `50% errors (15 of 30 requests) in 5 s (limit 5%; version 001: 0% errors (0 of 39 requests))`;
 * for an inconclusive one, what was missing.
 */
export function describeAnalysis(
  report: AnalysisReport,
  limits: { maxErrorRate: number; minRequests: number },
): string {
  const baseline =
    report.baseline === null ? '' : `; version ${report.baseline.version}: ${figures(report.baseline)}`;
  const restarts =
    report.restarts === 0 ? '' : `; counters restarted ${report.restarts}× (Tomcat restarted or reloaded it)`;
  const note = report.note === undefined ? '' : `; ${report.note}`;
  const fewer =
    report.verdict === 'inconclusive' && report.note === undefined
      ? `: fewer than the ${limits.minRequests} requests a verdict needs`
      : '';
  return `${figures(report)} in ${seconds(report.windowMs)} s${fewer} (limit ${percent(limits.maxErrorRate)}${baseline}${restarts}${note})`;
}

function figures({ requests, errors, errorRate }: WindowFigures): string {
  return errorRate === null
    ? 'no requests'
    : `${percent(errorRate)} errors (${errors} of ${requests} requests)`;
}

function percent(rate: number): string {
  return `${Number((rate * 100).toFixed(1))}%`;
}

function seconds(ms: number): number {
  return Math.round(ms / 1000);
}
