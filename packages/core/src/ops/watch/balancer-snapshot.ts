/**
 * What a watch of the balancers knows of each, as typed states (not read yet, read, not
 * readable), and the view of them beside a fleet's snapshot: each member's sessions are those of
 * its target's last `list` in the fleet snapshot, so that a page reading both reads no Tomcat
 * twice. Pure.
 */
import type { Balancer } from '../../balancer/balancer.js';
import type { BalancerType } from '../../balancer/member-state.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { coloursOf, type LbColours, type LbMemberOfTarget, type LbMemberStatus } from '../lb/lb-status.js';
import { visitorSessions } from '../lb/visitor-sessions.js';
import type { FleetSnapshot, TargetSnapshot } from './fleet-snapshot.js';

export type BalancerSnapshot = PendingBalancer | BalancerUp | BalancerDown;

/** Which balancer, as its driver names it (`address`: a socket or a console URL, no credentials). */
interface AboutBalancer {
  balancer: string;
  type: BalancerType;
  address: string;
}

export interface PendingBalancer extends AboutBalancer {
  state: 'pending';
}

interface ReadBalancer extends AboutBalancer {
  /** When the read ended (epoch ms). */
  readAt: number;
  durationMs: number;
}

export interface BalancerUp extends ReadBalancer {
  state: 'up';
  /** In the balancer's own order. */
  members: readonly LbMemberOfTarget[];
}

export interface BalancerDown extends ReadBalancer {
  state: 'down';
  error: TomcatPdError;
}

/** Every balancer in the config's order, as last read. A new object each time something changes. */
export interface BalancersSnapshot {
  /** Counts the changes since the watch started. */
  sequence: number;
  intervalMs: number;
  balancers: readonly BalancerSnapshot[];
}

/** Before the first read: every balancer pending. */
export function initialBalancersSnapshot(
  balancers: readonly Pick<Balancer, 'name' | 'type' | 'address'>[],
  intervalMs: number,
): BalancersSnapshot {
  return {
    sequence: 0,
    intervalMs,
    balancers: balancers.map(({ name, type, address }) => ({
      state: 'pending',
      balancer: name,
      type,
      address,
    })),
  };
}

/** The snapshot with the balancer at `index` replaced by `entry`: the next in the sequence. */
export function withBalancer(
  snapshot: BalancersSnapshot,
  index: number,
  entry: BalancerSnapshot,
): BalancersSnapshot {
  return {
    ...snapshot,
    sequence: snapshot.sequence + 1,
    balancers: snapshot.balancers.map((old, i) => (i === index ? entry : old)),
  };
}

/** A balancer as shown: read, each member with its target's sessions. */
export interface BalancerViewUp extends Omit<BalancerUp, 'members'> {
  members: readonly LbMemberStatus[];
}

export type BalancerView = PendingBalancer | BalancerViewUp | BalancerDown;

/**
 * Each balancer of `balancers` with its members' sessions taken from `fleet`: the visitors'
 * sessions (the Manager's own aside) of the target's last read; `undefined` where that target is
 * not read yet, is down, or is no target of the fleet.
 */
export function balancersView(balancers: BalancersSnapshot, fleet: FleetSnapshot): BalancerView[] {
  const sessions = targetSessions(fleet);
  return balancers.balancers.map((entry): BalancerView => {
    if (entry.state !== 'up') return entry;
    const members = entry.members.map((member): LbMemberStatus => ({
      ...member,
      sessions: member.target === undefined ? undefined : sessions.get(member.target),
    }));
    return { ...entry, members };
  });
}

/**
 * The colours of the fleet's targets from the view of the balancers (`balancersView`), each
 * target's sessions those of its last read; not told while a balancer is not read or down.
 */
export function coloursView(balancers: readonly BalancerView[], fleet: FleetSnapshot): LbColours {
  return coloursOf(
    balancers.map((entry) => ({
      balancer: entry.balancer,
      type: entry.type,
      members: entry.state === 'up' ? entry.members : undefined,
    })),
    fleet.targets.map((entry) => entry.target),
    targetSessions(fleet),
  );
}

function targetSessions(fleet: FleetSnapshot): Map<string, number | undefined> {
  return new Map(fleet.targets.map((entry) => [entry.target, sessionsOf(entry)]));
}

/** The visitors' sessions of a target as last read (every version of every app but the Manager). */
function sessionsOf(entry: TargetSnapshot): number | undefined {
  if (entry.state !== 'up') return undefined;
  const contexts = entry.report.apps.flatMap((app) =>
    app.versions.map((version) => ({ path: app.path, sessions: version.sessions })),
  );
  return visitorSessions(contexts, entry);
}
