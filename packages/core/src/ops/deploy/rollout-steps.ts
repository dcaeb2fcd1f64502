import { usageError } from '../../errors/error-classes.js';

/**
 * How many targets have the new version after a step: a count (`1`) or a share of all the
 * targets (`25%`, rounded up). Steps are cumulative: `1, 25%, 100%` is one target, then a
 * quarter of them, then all.
 */
export type RolloutStep = { readonly count: number } | { readonly percent: number };

export interface RolloutOptions {
  /** Deploy to this many targets first, and to the rest only if it started there. @defaultValue 0 (all at once) */
  canary?: number | undefined;
  /**
   * A progressive rollout, in the targets' order: each step deploys to its targets, runs their
   * probes and analysis, and only then the next starts (`[{ count: 1 }, { percent: 25 }, { percent: 100 }]`).
   * Not with `canary`, which is `[{ count: N }, { percent: 100 }]`.
   */
  steps?: readonly RolloutStep[] | undefined;
}

/**
 * The steps of a rollout, checked: `steps` as given, `canary: N` as `N, 100%`, neither as one
 * step with every target. @throws UsageError for both at once, or a step that is no count or share.
 */
export function parseRolloutOptions({ canary, steps }: RolloutOptions): readonly RolloutStep[] {
  if (steps !== undefined && canary !== undefined && canary > 0) {
    throw usageError('Give either canary or steps, not both: a canary of N is the steps N, 100%.');
  }
  if (canary !== undefined && (!Number.isInteger(canary) || canary < 0)) {
    throw usageError(`A canary is a whole number of targets, not ${canary}.`);
  }
  for (const step of steps ?? []) {
    const valid =
      'count' in step
        ? Number.isInteger(step.count) && step.count > 0
        : step.percent > 0 && step.percent <= 100;
    if (!valid) {
      throw usageError(
        `A rollout step is a number of targets of at least 1 or a share of them above 0 and up to 100%, not ${JSON.stringify(step)}.`,
      );
    }
  }
  if (steps !== undefined && steps.length === 0) throw usageError('A rollout needs at least one step.');
  if (steps !== undefined) return steps;
  return canary !== undefined && canary > 0 ? [{ count: canary }, { percent: 100 }] : [{ percent: 100 }];
}

/**
 * The targets of each step, in the targets' order: `[[web1], [web2], [web3, web4]]` for
 * `1, 50%, 100%` on four targets. A step that adds no target (25% of three is one, as was the
 * step before) is left out. The last step must reach every target, and no step may go back.
 * @throws UsageError for steps that go back or do not end with every target.
 */
export function rolloutWaves<T>(targets: readonly T[], steps: readonly RolloutStep[]): T[][] {
  const totals = steps.map((step) =>
    Math.min('count' in step ? step.count : Math.ceil((step.percent / 100) * targets.length), targets.length),
  );
  for (const [index, total] of totals.entries()) {
    const before = index === 0 ? 0 : totals[index - 1];
    if (before !== undefined && total < before) {
      throw usageError(
        `Rollout steps may not go back: step ${index + 1} has fewer targets (${total}) than the one before.`,
      );
    }
  }
  const last = totals.at(-1);
  if (last !== targets.length) {
    throw usageError(
      `The last rollout step must reach every target (${targets.length}), not ${last}: end the steps with 100%.`,
    );
  }
  const waves: T[][] = [];
  let done = 0;
  for (const total of totals) {
    if (total > done) waves.push(targets.slice(done, total));
    done = Math.max(done, total);
  }
  return waves;
}
