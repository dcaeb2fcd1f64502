import { BalancerError, UsageError } from '../errors/error-classes.js';
import type { BalancerDriver, DriverCallOptions } from './balancer-driver.js';
import type { AdminState, BalancerReading, MemberReading } from './member-state.js';

/** A member's state before and after a change (the same reading when it had the state already). */
export interface MemberChange {
  readonly balancer: string;
  readonly member: string;
  readonly before: MemberReading;
  readonly after: MemberReading;
  /** Whether anything was sent: false when the member had the state already. */
  readonly changed: boolean;
}

/**
 * Sets one member's admin state and proves it: reads the member first (a member the balancer
 * lacks is bad input, nothing sent), sends the change, reads again and compares. Every balancer
 * answers some mistakes with a text or an HTTP 200 page, so a change that did not take is a
 * `BalancerError` naming the balancer, the member and what it reads now (docs/balancers/README.md).
 */
export async function changeMemberState(
  driver: BalancerDriver,
  member: string,
  state: AdminState,
  options: DriverCallOptions = {},
): Promise<MemberChange> {
  const before = memberOf(await driver.read(options), driver, member);
  if (before.admin === state) {
    return { balancer: driver.name, member, before, after: before, changed: false };
  }
  await driver.send(member, state, options);
  const after = memberOf(await driver.read(options), driver, member);
  if (after.admin !== state) {
    throw new BalancerError(
      `Balancer ${driver.name} (${driver.address}) did not put ${member} in ${state}: it reads ${after.admin} after the change was sent.`,
      { balancer: driver.name, member, answer: `admin state ${after.admin}` },
    );
  }
  return { balancer: driver.name, member, before, after, changed: true };
}

/** The member named in a reading, or a usage error that lists the members the balancer has. */
export function memberOf(reading: BalancerReading, driver: BalancerDriver, member: string): MemberReading {
  const found = reading.members.find((candidate) => candidate.name === member);
  if (found !== undefined) return found;
  throw missingMemberError(reading, driver, member);
}

/** The usage error of a member the balancer lacks: it lists the members it has. */
export function missingMemberError(
  reading: BalancerReading,
  driver: BalancerDriver,
  member: string,
): UsageError {
  const known = reading.members.map((candidate) => candidate.name).join(', ') || 'none';
  return new UsageError(
    `Balancer ${driver.name} (${driver.address}) has no member ${member}; its members: ${known}.`,
    { hint: 'Map the target to its member name in the balancer\'s "members" in the config file.' },
  );
}
