import { describe, expect, it } from 'vitest';
import {
  advanceWindow,
  judgeWindow,
  openWindow,
  windowFigures,
} from '../../../src/ops/analyze/analysis-window.js';

describe('the analysis window', () => {
  it('judges the growth since the start: fail as soon as enough requests show too many errors', () => {
    let state = openWindow({ requests: 1_000, errors: 50 });
    state = advanceWindow(state, { requests: 1_010, errors: 52 });
    const limits = { maxErrorRate: 0.05, minRequests: 20 };
    expect(windowFigures(state)).toEqual({ requests: 10, errors: 2, errorRate: 0.2 });
    // 20 % of 10 requests: too few to fail yet.
    expect(judgeWindow(windowFigures(state), limits, false)).toBeUndefined();
    state = advanceWindow(state, { requests: 1_030, errors: 56 });
    expect(judgeWindow(windowFigures(state), limits, false)).toBe('fail');
  });

  it('at the end: pass with enough requests within the limit, inconclusive with too few', () => {
    const limits = { maxErrorRate: 0.05, minRequests: 20 };
    expect(judgeWindow({ requests: 40, errors: 2, errorRate: 0.05 }, limits, true)).toBe('pass');
    expect(judgeWindow({ requests: 19, errors: 0, errorRate: 0 }, limits, true)).toBe('inconclusive');
    expect(judgeWindow({ requests: 0, errors: 0, errorRate: null }, limits, true)).toBe('inconclusive');
  });

  it('counters that go down (a restart) start the window again instead of going negative', () => {
    let state = openWindow({ requests: 500, errors: 10 });
    state = advanceWindow(state, { requests: 7, errors: 1 });
    expect(state.restarts).toBe(1);
    state = advanceWindow(state, { requests: 27, errors: 1 });
    expect(windowFigures(state)).toEqual({ requests: 20, errors: 0, errorRate: 0 });
  });
});
