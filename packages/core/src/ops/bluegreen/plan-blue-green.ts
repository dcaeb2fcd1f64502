import { UnsafeOperationError } from '../../errors/error-classes.js';
import type { Colours } from '../lb/colours.js';

/** What a switch does: the colour that takes new visitors, and the one that leaves. */
export interface SwitchPlan {
  /** Live now: drained after the switch. */
  readonly live: readonly string[];
  /** Made ready by the switch (a deploy's release goes here first). */
  readonly next: readonly string[];
  /** Of `next`, those that still hold visitors' sessions: a deploy waits for them first, or refuses. */
  readonly draining: readonly string[];
}

/**
 * Pure: a deploy goes to every target that is not live. A draining one still holds visitors of
 * the version there, whom a deploy must not take over: refused (`E_UNSAFE`, rule
 * `colour-draining`, naming each one's sessions) unless `waitDrain` lets it wait for them first.
 */
export function planBlueGreenDeploy(
  colours: Colours,
  sessions: ReadonlyMap<string, number | undefined>,
  waitDrain: boolean,
): SwitchPlan {
  const plan = planSwitch(colours);
  if (plan.draining.length > 0 && !waitDrain) {
    const left = plan.draining
      .map((target) => {
        const count = sessions.get(target);
        return `${target} (${count === undefined ? 'sessions unread' : `${count} sessions`})`;
      })
      .join(', ');
    throw new UnsafeOperationError(
      'colour-draining',
      `Refusing to deploy: the colour to deploy on still has visitors: ${left}. Nothing was changed.`,
      { hint: 'Wait for them first (--wait-drain, bounded by --max-drain), or let them finish.' },
    );
  }
  return plan;
}

/** Pure: a switch from the live colour to every other target (a rollback's, and a deploy's). */
export function planSwitch(colours: Colours): SwitchPlan {
  return {
    live: colours.live,
    next: [...colours.draining, ...colours.idle],
    draining: colours.draining,
  };
}
