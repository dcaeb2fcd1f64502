import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import {
  parseRolloutOptions,
  rolloutPlan,
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

  it('takes pauses between steps, and refuses one first, last, or beside another', () => {
    const manual = { pause: 'manual' } as const;
    const timed = { pause: 'timed', ms: 600_000 } as const;
    const gated = steps({ count: 1 }, manual, { percent: 50 }, timed, { percent: 100 });
    expect(parseRolloutOptions({ steps: gated })).toEqual(gated);
    for (const [bad, reason] of [
      [steps(manual, { percent: 100 }), /start with a pause/],
      [steps({ count: 1 }, timed), /end with a pause/],
      [steps({ count: 1 }, manual, timed, { percent: 100 }), /Two pauses in a row/],
      [steps({ count: 1 }, { pause: 'timed', ms: 0 }, { percent: 100 }), /or a pause, not/],
    ] as const) {
      expect(() => parseRolloutOptions({ steps: bad }), JSON.stringify(bad)).toThrow(reason);
    }
  });

  it('puts each pause after the wave before it, and refuses one that would gate nothing', () => {
    const manual = { pause: 'manual' } as const;
    expect(rolloutPlan(names(4), steps({ count: 1 }, manual, { percent: 100 }))).toEqual([
      { targets: ['web1'], pause: manual },
      { targets: ['web2', 'web3', 'web4'], pause: undefined },
    ]);
    // 25 % of three adds nothing to the first step: the pause after it gates the first wave.
    expect(rolloutPlan(names(3), steps({ count: 1 }, { percent: 25 }, manual, { percent: 100 }))).toEqual([
      { targets: ['web1'], pause: manual },
      { targets: ['web2', 'web3'], pause: undefined },
    ]);
    expect(rolloutWaves(names(3), steps({ count: 1 }, manual, { percent: 100 }))).toEqual([
      ['web1'],
      ['web2', 'web3'],
    ]);
    expect(() => rolloutPlan(names(2), steps({ count: 2 }, manual, { percent: 100 }))).toThrow(
      /after every target \(2\) has the version/,
    );
    expect(() =>
      rolloutPlan(
        names(3),
        steps({ count: 1 }, manual, { count: 1 }, { pause: 'timed', ms: 5 }, { percent: 100 }),
      ),
    ).toThrow(/Two pauses gate the same step on 3 targets: the step between them adds no target/);
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
