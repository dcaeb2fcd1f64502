import { describe, expect, it } from 'vitest';
import { parseAnalysisOptions } from '../../../src/ops/analyze/analysis-options.js';

describe('the analysis options', () => {
  it('takes the defaults, and refuses an interval under 5 s', () => {
    expect(parseAnalysisOptions({ windowMs: 60_000 })).toEqual({
      windowMs: 60_000,
      maxErrorRate: 0.05,
      minRequests: 20,
      intervalMs: 10_000,
      onInconclusive: 'keep',
    });
    expect(() => parseAnalysisOptions({ windowMs: 60_000, intervalMs: 1_000 })).toThrow(/at least 5 s/);
    expect(() => parseAnalysisOptions({ windowMs: 0 })).toThrow(/longer than 0/);
    expect(() => parseAnalysisOptions({ windowMs: 1, minRequests: 0 })).toThrow(/at least 1/);
  });
});
