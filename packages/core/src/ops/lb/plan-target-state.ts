import type { Balancer } from '../../balancer/balancer.js';
import { takesNewVisitors, type AdminState, type BalancerReading } from '../../balancer/member-state.js';

/** One balancer's reading, as the plan of a change sees it. */
export interface ReadBalancer {
  readonly balancer: Balancer;
  readonly reading: BalancerReading;
}

/** A balancer the change applies to, with the member the target is there. */
export interface PlannedChange {
  readonly balancer: Balancer;
  readonly member: string;
  readonly from: AdminState;
  /** Down before a drain: no visitor reaches it there, so there is nothing to drain. */
  readonly down: boolean;
}

/** Why a balancer's member may not leave the ready state: no other member would take new visitors. */
export interface LastReadyMember {
  readonly balancer: string;
  readonly member: string;
}

export interface TargetStatePlan {
  readonly changes: readonly PlannedChange[];
  /** The balancers where the change would leave no member for new visitors (refused unless forced). */
  readonly lastReady: readonly LastReadyMember[];
}

/**
 * Pure: which balancers have `target` as a member, and where taking it out of the ready state
 * (`drain`, `maint`) would leave no other member that takes new visitors: ready, and not known to
 * be down (a member without health checks counts as usable, or no drain would ever be allowed
 * behind nginx). The order of `read` is kept: it is the order the changes are made in.
 */
export function planTargetState(
  read: readonly ReadBalancer[],
  target: string,
  state: AdminState,
): TargetStatePlan {
  const changes: PlannedChange[] = [];
  const lastReady: LastReadyMember[] = [];
  for (const { balancer, reading } of read) {
    const member = balancer.memberName(target);
    const current = reading.members.find((candidate) => candidate.name === member);
    if (current === undefined) continue;
    changes.push({ balancer, member, from: current.admin, down: current.health === 'down' });
    const others = reading.members.filter((candidate) => candidate.name !== member);
    if (state !== 'ready' && !others.some(takesNewVisitors))
      lastReady.push({ balancer: balancer.name, member });
  }
  return { changes, lastReady };
}
