import type { Balancer } from '../../balancer/balancer.js';
import type { BalancerType, MemberReading } from '../../balancer/member-state.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { tellColours, type ColourReading, type ColoursReading } from './colours.js';
import { mapLimited } from '../fleet.js';
import { DEFAULT_PARALLEL, runContextOf, type RunOptions } from '../run-context.js';
import { visitorSessions } from './visitor-sessions.js';

export interface LbStatusOptions extends Pick<RunOptions, 'signal'> {
  balancers: readonly Balancer[];
  /** The Tomcats of the config: each is read once (`list`) for its visitors' sessions. */
  clients: readonly ManagerClient[];
  /** How many Tomcats are read at once. @defaultValue 4 */
  parallel?: number | undefined;
}

/** A member and the target of the config it is. */
export interface LbMemberOfTarget extends MemberReading {
  /** The target of the config this member is (none when no target maps to it). */
  readonly target: string | undefined;
}

/** A member, the target it is, and the sessions Tomcat holds there. */
export interface LbMemberStatus extends LbMemberOfTarget {
  /** Active sessions on that Tomcat, over its apps (the Manager's own aside); undefined when it could not be read. */
  readonly sessions: number | undefined;
}

export type LbBalancerStatus =
  | {
      readonly balancer: string;
      readonly type: BalancerType;
      readonly address: string;
      readonly ok: true;
      readonly members: readonly LbMemberStatus[];
    }
  | {
      readonly balancer: string;
      readonly type: BalancerType;
      readonly address: string;
      readonly ok: false;
      readonly error: TomcatPdError;
    };

/** A target's sessions, or why they could not be read. */
export type LbTargetStatus =
  | { readonly target: string; readonly ok: true; readonly sessions: number }
  | { readonly target: string; readonly ok: false; readonly error: TomcatPdError };

export interface LbStatusReport {
  readonly balancers: readonly LbBalancerStatus[];
  readonly targets: readonly LbTargetStatus[];
  /** Which targets are live, draining and idle, or why that cannot be told (all ready is the usual case). */
  readonly colours: LbColours;
}

/**
 * The colours as the balancers show them: told, why they cannot be told (tellColours), or not
 * known while a balancer is unread (down, or not read yet by a watch): a balancer not read may
 * hold any state, and a colour told without it could be wrong.
 */
export type LbColours =
  | ColoursReading
  | {
      readonly told: false;
      readonly untold: { readonly reason: 'unread'; readonly balancers: readonly string[] };
    };

/** A balancer as the colours need it: its members beside their targets, `undefined` when unread. */
export interface BalancerMembers {
  readonly balancer: string;
  readonly type: BalancerType;
  readonly members: readonly LbMemberOfTarget[] | undefined;
}

/**
 * Every balancer's members beside the sessions Tomcat holds on each: who still has visitors, at a
 * glance. One read of each balancer and one `list` of each target, all at once; a balancer or a
 * target that cannot be read is reported as such, the others still are.
 */
export async function lbStatus(options: LbStatusOptions): Promise<LbStatusReport> {
  const { signal } = runContextOf(options);
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  const [readings, lists] = await Promise.all([
    Promise.allSettled(options.balancers.map((balancer) => balancer.read({ signal }))),
    mapLimited(options.clients, parallel, async (client) =>
      visitorSessions(await client.list({ signal }), client),
    ),
  ]);
  const targets: LbTargetStatus[] = lists.map((result) =>
    result.ok
      ? { target: result.item.name, ok: true, sessions: result.value }
      : { target: result.item.name, ok: false, error: result.error },
  );
  const sessionsOf = new Map(
    targets.flatMap((target) => (target.ok ? [[target.target, target.sessions]] : [])),
  );
  const balancers = options.balancers.map((balancer, index): LbBalancerStatus => {
    const result = readings[index]!;
    const about = { balancer: balancer.name, type: balancer.type, address: balancer.address };
    if (result.status === 'rejected') return { ...about, ok: false, error: toTomcatPdError(result.reason) };
    const names = options.clients.map((client) => client.name);
    const members = membersOfTargets(balancer, result.value.members, names).map((member): LbMemberStatus => ({
      ...member,
      sessions: member.target === undefined ? undefined : sessionsOf.get(member.target),
    }));
    return { ...about, ok: true, members };
  });
  const colours = coloursOf(
    balancers.map((entry) => ({ ...entry, members: entry.ok ? entry.members : undefined })),
    options.clients.map((client) => client.name),
    sessionsOf,
  );
  return { balancers, targets, colours };
}

/**
 * The colours of `targets` from balancers whose members are already mapped to targets (as
 * `lbStatus` and a watch show them); `sessionsOf` as tellColours takes it. Pure.
 */
export function coloursOf(
  balancers: readonly BalancerMembers[],
  targets: readonly string[],
  sessionsOf: ReadonlyMap<string, number | undefined>,
): LbColours {
  const unread = balancers.filter((entry) => entry.members === undefined).map((entry) => entry.balancer);
  if (unread.length > 0) return { told: false, untold: { reason: 'unread', balancers: unread } };
  // Each member renamed as its target (members no target maps to left out): the map is done.
  const readings = balancers.map(({ balancer, type, members = [] }): ColourReading => ({
    balancer: { name: balancer, memberName: (target) => target },
    reading: {
      balancer,
      type,
      members: members.flatMap((member) =>
        member.target === undefined ? [] : [{ ...member, name: member.target }],
      ),
    },
  }));
  return tellColours(readings, targets, sessionsOf);
}

/**
 * Each member beside the target of the config it is, through the balancer's members map (else
 * the target's own name): what `lbStatus` and a watch of the balancers (`watchBalancers`) show
 * the sessions of. Pure.
 */
export function membersOfTargets(
  balancer: Pick<Balancer, 'memberName'>,
  members: readonly MemberReading[],
  targets: readonly string[],
): LbMemberOfTarget[] {
  const targetOf = new Map(targets.map((target) => [balancer.memberName(target), target]));
  return members.map((member) => ({ ...member, target: targetOf.get(member.name) }));
}
