import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import {
  parseRolloutOptions,
  rolloutWaves,
  type RolloutStep,
} from '../../../src/ops/deploy/rollout-steps.js';

const names = (n: number) => Array.from({ length: n }, (_, i) => `web${i + 1}`);

const steps = (...list: RolloutStep[]) => list;

describe('rollout steps', () => {
  it('takes the steps as given, a canary of N as N then 100%, neither as one step', () => {
    expect(parseRolloutOptions({ steps: steps({ count: 1 }, { percent: 100 }) })).toEqual([
      { count: 1 },
      { percent: 100 },
    ]);
    expect(parseRolloutOptions({ canary: 2 })).toEqual([{ count: 2 }, { percent: 100 }]);
    expect(parseRolloutOptions({ canary: 0 })).toEqual([{ percent: 100 }]);
    expect(parseRolloutOptions({})).toEqual([{ percent: 100 }]);
  });

  it('refuses steps that are no count or share, none at all, and a canary with steps', () => {
    for (const bad of [
      { steps: steps({ count: 0 }) },
      { steps: steps({ count: 1.5 }) },
      { steps: steps({ percent: 150 }) },
      { steps: steps({ percent: 0 }) },
      { steps: steps() },
      { canary: -1 },
      { canary: 1, steps: steps({ percent: 100 }) },
    ]) {
      expect(() => parseRolloutOptions(bad), JSON.stringify(bad)).toThrowError(
        expect.objectContaining({ code: ErrorCode.usage }),
      );
    }
  });

  it('cuts the targets into waves in their order, shares rounded up, empty steps left out', () => {
    const quarter = steps({ count: 1 }, { percent: 25 }, { percent: 100 });
    expect(rolloutWaves(names(8), quarter)).toEqual([
      ['web1'],
      ['web2'],
      ['web3', 'web4', 'web5', 'web6', 'web7', 'web8'],
    ]);
    // 25 % of three is one target: the step before already had it.
    expect(rolloutWaves(names(3), quarter)).toEqual([['web1'], ['web2', 'web3']]);
    expect(rolloutWaves(names(3), parseRolloutOptions({ canary: 1 }))).toEqual([['web1'], ['web2', 'web3']]);
    expect(rolloutWaves(names(3), parseRolloutOptions({}))).toEqual([names(3)]);
  });

  it('refuses steps that go back or do not reach every target', () => {
    expect(() => rolloutWaves(names(4), steps({ percent: 50 }, { count: 1 }, { percent: 100 }))).toThrow(
      /may not go back/,
    );
    expect(() => rolloutWaves(names(4), steps({ count: 1 }, { count: 2 }))).toThrow(
      /must reach every target \(4\), not 2/,
    );
  });
});
