import { describe, expect, it } from 'vitest';
import type { BalancerDriver } from '../../src/balancer/balancer-driver.js';
import { changeMemberState } from '../../src/balancer/change-member-state.js';
import type { AdminState, MemberReading } from '../../src/balancer/member-state.js';
import { BalancerError, UsageError } from '../../src/errors/error-classes.js';

/** A balancer in memory whose `send` may be told to change nothing, as real ones do on some mistakes. */
function memoryBalancer(members: Record<string, AdminState>, options: { ignoreSends?: boolean } = {}) {
  const sent: string[] = [];
  const driver: BalancerDriver = {
    name: 'lb1',
    type: 'haproxy',
    address: '/run/haproxy/admin.sock',
    read: () =>
      Promise.resolve({
        balancer: 'lb1',
        type: 'haproxy',
        members: Object.entries(members).map(([name, admin]): MemberReading => ({
          name,
          admin,
          health: 'up',
        })),
      }),
    send: (member, state) => {
      sent.push(`${member}:${state}`);
      if (options.ignoreSends !== true) members[member] = state;
      return Promise.resolve();
    },
  };
  return { driver, sent };
}

describe('changeMemberState', () => {
  it('sends the change, reads it back and reports the member before and after', async () => {
    const { driver, sent } = memoryBalancer({ s1: 'ready', s2: 'ready' });
    const change = await changeMemberState(driver, 's1', 'drain');
    expect(sent).toEqual(['s1:drain']);
    expect(change).toMatchObject({ balancer: 'lb1', member: 's1', changed: true });
    expect([change.before.admin, change.after.admin]).toEqual(['ready', 'drain']);
  });

  it('sends nothing when the member has the state already', async () => {
    const { driver, sent } = memoryBalancer({ s1: 'maint' });
    const change = await changeMemberState(driver, 's1', 'maint');
    expect(sent).toEqual([]);
    expect(change.changed).toBe(false);
  });

  it('is a BalancerError naming the balancer, the member and the state read back when the change did not take', async () => {
    const { driver } = memoryBalancer({ s1: 'ready' }, { ignoreSends: true });
    const error: unknown = await changeMemberState(driver, 's1', 'drain').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BalancerError);
    expect(error).toMatchObject({
      code: 'E_BALANCER',
      balancer: 'lb1',
      member: 's1',
      answer: 'admin state ready',
    });
    expect((error as Error).message).toContain('did not put s1 in drain');
  });

  it('is a usage error listing the members when the balancer lacks the member, nothing sent', async () => {
    const { driver, sent } = memoryBalancer({ s1: 'ready', s2: 'drain' });
    const error: unknown = await changeMemberState(driver, 'web9', 'drain').catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      'Balancer lb1 (/run/haproxy/admin.sock) has no member web9; its members: s1, s2.',
    );
    expect(sent).toEqual([]);
  });
});
