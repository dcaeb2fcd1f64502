import { usageError } from '../../errors/errors.js';

/**
 * How many targets have the new version after a step: a count (`1`) or a share of all the
 * targets (`25%`, rounded up). Steps are cumulative: `1, 25%, 100%` is one target, then a
 * quarter of them, then all.
 */
export type RolloutStep = { count: number } | { percent: number };

/** `1,25%,100%` → the steps. @throws TomcatPdError `E_USAGE` naming the step that is none. */
export function parseRolloutSteps(text: string): RolloutStep[] {
  const parts = text.split(',').map((part) => part.trim());
  return parts.map((part) => {
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(part);
    if (percent !== null) {
      const value = Number(percent[1]);
      if (value > 0 && value <= 100) return { percent: value };
    } else if (/^\d+$/.test(part) && Number(part) > 0) {
      return { count: Number(part) };
    }
    throw usageError(
      `A rollout step is a number of targets (2) or a share of them (25%), not ${JSON.stringify(part)} (in ${JSON.stringify(text)}).`,
    );
  });
}

/**
 * The targets of each step, in the targets' order: `[[web1], [web2], [web3, web4]]` for
 * `1, 50%, 100%` on four targets. A step that adds no target (25% of three is one, as was the
 * step before) is left out. The last step must reach every target, and no step may go back.
 * `canary: N` is `N, 100%`; neither is one step with everything.
 * @throws TomcatPdError `E_USAGE` for steps that go back or do not end with every target.
 */
export function rolloutWaves<T>(
  targets: readonly T[],
  options: { steps?: readonly RolloutStep[] | undefined; canary?: number | undefined },
): T[][] {
  const steps =
    options.steps ?? (options.canary ? [{ count: options.canary }, { percent: 100 }] : [{ percent: 100 }]);
  const totals = steps.map((step) =>
    Math.min('count' in step ? step.count : Math.ceil((step.percent / 100) * targets.length), targets.length),
  );
  for (const [index, total] of totals.entries()) {
    if (index > 0 && total < (totals[index - 1] ?? 0)) {
      throw usageError(
        `Rollout steps may not go back: step ${index + 1} has fewer targets (${total}) than the one before.`,
      );
    }
  }
  if (options.steps !== undefined && totals.at(-1) !== targets.length) {
    throw usageError(
      `The last rollout step must reach every target (${targets.length}), not ${totals.at(-1) ?? 0}: end the steps with 100%.`,
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
