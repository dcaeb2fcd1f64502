import type { AdminState, BalancerReading } from '../../balancer/member-state.js';
import type { Balancer } from '../../balancer/balancer.js';

/** One balancer's reading beside the balancer (its members map). */
export interface ColourReading {
  readonly balancer: Pick<Balancer, 'name' | 'memberName'>;
  readonly reading: BalancerReading;
}

/** A target whose admin state differs between the balancers that have it. */
export interface MixedTarget {
  readonly target: string;
  /** Its state on each balancer that has it, by balancer name. */
  readonly states: Readonly<Record<string, AdminState>>;
}

/**
 * The colours of a blue/green pair: `live` takes new visitors (ready everywhere); `draining` is
 * drained and still has sessions (or its sessions could not be read); `idle` takes nobody new and
 * has nobody left (in maint, or drained with no session left).
 */
export interface Colours {
  readonly live: readonly string[];
  readonly draining: readonly string[];
  readonly idle: readonly string[];
}

/** Why the colours cannot be told apart: what blue/green refuses on (docs/blue-green.md). */
export type ColoursUntold =
  | { readonly reason: 'no-member'; readonly targets: readonly string[] }
  | { readonly reason: 'mixed'; readonly mixed: readonly MixedTarget[] }
  | { readonly reason: 'none-live' }
  | { readonly reason: 'none-idle' };

export type ColoursReading =
  | { readonly told: true; readonly colours: Colours }
  | { readonly told: false; readonly untold: ColoursUntold };

/**
 * Pure: tells the live colour from the others by the admin state each target has on the
 * balancers, not by health (a member in maint reads down on HAProxy, its checks stopped). A
 * target must have one state on every balancer that has it, and some balancer must have it.
 * `sessionsOf` is what Tomcat holds for visitors on each target (undefined: unread), which is
 * what splits a drained target into draining and idle.
 */
export function tellColours(
  readings: readonly ColourReading[],
  targets: readonly string[],
  sessionsOf: ReadonlyMap<string, number | undefined>,
): ColoursReading {
  const live: string[] = [];
  const draining: string[] = [];
  const idle: string[] = [];
  const mixed: MixedTarget[] = [];
  const absent: string[] = [];
  for (const target of targets) {
    const states = statesOf(readings, target);
    const distinct = new Set(Object.values(states));
    if (distinct.size === 0) absent.push(target);
    else if (distinct.size > 1) mixed.push({ target, states });
    else {
      const [state] = distinct;
      if (state === 'ready') live.push(target);
      else if (state === 'drain' && sessionsOf.get(target) !== 0) draining.push(target);
      else idle.push(target);
    }
  }
  if (absent.length > 0) return { told: false, untold: { reason: 'no-member', targets: absent } };
  if (mixed.length > 0) return { told: false, untold: { reason: 'mixed', mixed } };
  if (live.length === 0) return { told: false, untold: { reason: 'none-live' } };
  if (draining.length + idle.length === 0) return { told: false, untold: { reason: 'none-idle' } };
  return { told: true, colours: { live, draining, idle } };
}

function statesOf(readings: readonly ColourReading[], target: string): Record<string, AdminState> {
  const states: Record<string, AdminState> = {};
  for (const { balancer, reading } of readings) {
    const member = reading.members.find((candidate) => candidate.name === balancer.memberName(target));
    if (member !== undefined) states[balancer.name] = member.admin;
  }
  return states;
}
