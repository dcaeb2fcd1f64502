import { usageError } from '../../errors/error-classes.js';

/**
 * How many targets have the new version after a step: a count (`1`) or a share of all the
 * targets (`25%`, rounded up). Steps are cumulative: `1, 25%, 100%` is one target, then a
 * quarter of them, then all. A pause between two steps is a gate: a timed one waits in the
 * process, a manual one ends the deploy until someone promotes or aborts it.
 */
export type RolloutStep = { readonly count: number } | { readonly percent: number } | RolloutPause;

/** A gate between two steps: `pause:10m` waits that long, `pause` waits for a person. */
export type RolloutPause = { readonly pause: 'manual' } | { readonly pause: 'timed'; readonly ms: number };

/** One step's targets, and the gate after it (none after the last). */
export interface RolloutWave<T> {
  targets: T[];
  pause: RolloutPause | undefined;
}

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
    if (!validStep(step)) {
      throw usageError(
        `A rollout step is a number of targets of at least 1, a share of them above 0 and up to 100%, or a pause, not ${JSON.stringify(step)}.`,
      );
    }
  }
  if (steps !== undefined && steps.length === 0) throw usageError('A rollout needs at least one step.');
  if (steps !== undefined) checkPauses(steps);
  if (steps !== undefined) return steps;
  return canary !== undefined && canary > 0 ? [{ count: canary }, { percent: 100 }] : [{ percent: 100 }];
}

function validStep(step: RolloutStep): boolean {
  if ('count' in step) return Number.isInteger(step.count) && step.count > 0;
  if ('percent' in step) return step.percent > 0 && step.percent <= 100;
  return step.pause === 'manual' || (Number.isFinite(step.ms) && step.ms > 0);
}

const TWO_PAUSES = 'Two pauses in a row gate the same step: give one pause (pause:10m, or pause).';

/**
 * A pause gates the step after it on what the step before it did: first, nothing was deployed
 * yet to judge; last, nothing is left to hold back; two in a row, the second gates nothing
 * the first did not.
 */
function checkPauses(steps: readonly RolloutStep[]): void {
  const isPause = (step: RolloutStep | undefined) => step !== undefined && 'pause' in step;
  if (isPause(steps[0])) {
    throw usageError('A rollout may not start with a pause: nothing is deployed yet to judge during it.');
  }
  if (isPause(steps.at(-1))) {
    throw usageError('A rollout may not end with a pause: no step is left for it to hold back.');
  }
  if (steps.some((step, index) => isPause(step) && isPause(steps[index + 1]))) {
    throw usageError(TWO_PAUSES);
  }
}

/**
 * The targets of each step, in the targets' order: `[[web1], [web2], [web3, web4]]` for
 * `1, 50%, 100%` on four targets. A step that adds no target (25% of three is one, as was the
 * step before) is left out. The last step must reach every target, and no step may go back.
 * @throws UsageError for steps that go back or do not end with every target.
 */
export function rolloutWaves<T>(targets: readonly T[], steps: readonly RolloutStep[]): T[][] {
  return rolloutPlan(targets, steps).map((wave) => wave.targets);
}

/**
 * {@link rolloutWaves} with the gate after each wave: a pause after a step that added no target
 * gates the wave before it. @throws UsageError as rolloutWaves does, and for a pause that would
 * come after every target has the version.
 */
export function rolloutPlan<T>(targets: readonly T[], steps: readonly RolloutStep[]): RolloutWave<T>[] {
  const totals = steps.flatMap((step) => ('pause' in step ? [] : [stepTotal(step, targets.length)]));
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
  const waves: RolloutWave<T>[] = [];
  let done = 0;
  for (const step of steps) {
    const wave = waves.at(-1);
    if ('pause' in step) {
      // Only a step that added no target stands between two pauses here: they gate one wave.
      if (wave?.pause !== undefined) {
        throw usageError(
          `Two pauses gate the same step on ${targets.length} targets: the step between them adds no target.`,
        );
      }
      if (wave !== undefined) wave.pause = step;
      continue;
    }
    const total = stepTotal(step, targets.length);
    if (total > done) waves.push({ targets: targets.slice(done, total), pause: undefined });
    done = Math.max(done, total);
  }
  if (waves.at(-1)?.pause !== undefined) {
    throw usageError(
      `A pause of this rollout comes after every target (${targets.length}) has the version: it would hold back nothing.`,
    );
  }
  return waves;
}

/** How many of `targets` have the version after a step that deploys. */
function stepTotal(step: Exclude<RolloutStep, RolloutPause>, targets: number): number {
  return Math.min('count' in step ? step.count : Math.ceil((step.percent / 100) * targets), targets);
}
