import type { Balancer } from '../../balancer/balancer.js';

/** A target's member that a balancer reads down. */
export interface MemberDown {
  readonly balancer: string;
  readonly member: string;
}

/**
 * The members of `targets` that a balancer reads down, each balancer read once: what a target
 * made ready waits out, since a member down (HAProxy's failing check, mod_jk's worker in error)
 * gets no visitor, or loses the ones it has. A target a balancer does not have is not down there.
 */
export async function membersDown(
  balancers: readonly Balancer[],
  targets: readonly string[],
  signal: AbortSignal | undefined,
): Promise<MemberDown[]> {
  const down: MemberDown[] = [];
  for (const balancer of balancers) {
    const reading = await balancer.read({ signal });
    for (const target of targets) {
      const member = reading.members.find((candidate) => candidate.name === balancer.memberName(target));
      if (member?.health === 'down') down.push({ balancer: balancer.name, member: member.name });
    }
  }
  return down;
}
