import type { AnalysisVerdict, WindowFigures } from '../../common/analysis-report.js';
import type { AnalysisSpec } from './analysis-options.js';

/** A version's counters as one reading of the status page gives them. */
export interface Counters {
  requests: number;
  errors: number;
}

/** Where a window started, and its last reading. */
export interface WindowState {
  start: Counters;
  last: Counters;
  restarts: number;
}

export function openWindow(first: Counters): WindowState {
  return { start: first, last: first, restarts: 0 };
}

/**
 * Takes a reading. Counters that went down mean the context started again (a Tomcat restart, a
 * reload): they count from 0 again, so the window starts again from this reading rather than
 * dividing by a negative growth (docs/tomcat-manager.md#status-json).
 */
export function advanceWindow(state: WindowState, reading: Counters): WindowState {
  if (reading.requests < state.last.requests || reading.errors < state.last.errors) {
    return { start: reading, last: reading, restarts: state.restarts + 1 };
  }
  return { ...state, last: reading };
}

/** The growth of requests and errors over the window, and the error rate. */
export function windowFigures(state: WindowState): WindowFigures {
  const requests = state.last.requests - state.start.requests;
  const errors = state.last.errors - state.start.errors;
  return { requests, errors, errorRate: requests === 0 ? null : errors / requests };
}

/**
 * The verdict on a window so far: `fail` as soon as enough requests show a rate above the
 * limit; at the end (`final`) `pass` with enough requests within it, else `inconclusive`.
 * `undefined`: keep watching.
 */
export function judgeWindow(
  figures: WindowFigures,
  options: Pick<AnalysisSpec, 'maxErrorRate' | 'minRequests'>,
  final: boolean,
): AnalysisVerdict | undefined {
  const enough = figures.requests >= options.minRequests;
  if (enough && (figures.errorRate ?? 0) > options.maxErrorRate) return 'fail';
  if (!final) return undefined;
  return enough ? 'pass' : 'inconclusive';
}
