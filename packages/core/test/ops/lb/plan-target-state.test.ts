import { describe, expect, it } from 'vitest';
import { planTargetState } from '../../../src/ops/lb/plan-target-state.js';
import { FakeBalancer, type FakeMember } from '../../helpers/fake-balancer.js';

async function plan(members: Record<string, FakeMember>, target: string, state: 'ready' | 'drain' | 'maint') {
  const balancer = new FakeBalancer('lb1', members);
  return planTargetState([{ balancer, reading: await balancer.read() }], target, state);
}

describe('planTargetState', () => {
  it("changes the target's member, and allows a drain while another member takes new visitors", async () => {
    const result = await plan({ web1: 'ready', web2: 'ready' }, 'web1', 'drain');
    expect(result.changes.map(({ member, from }) => [member, from])).toEqual([['web1', 'ready']]);
    expect(result.lastReady).toEqual([]);
  });

  it.each<[string, Record<string, FakeMember>]>([
    ['the other is drained', { web1: 'ready', web2: 'drain' }],
    ['the other is in maintenance', { web1: 'ready', web2: 'maint' }],
    ['the other is ready but down', { web1: 'ready', web2: { admin: 'ready', health: 'down' } }],
    ['there is no other', { web1: 'ready' }],
  ])('finds the last member for new visitors when %s', async (_, members) => {
    expect((await plan(members, 'web1', 'maint')).lastReady).toEqual([{ balancer: 'lb1', member: 'web1' }]);
  });

  it('counts a member without health checks as usable (nginx), and never refuses ready', async () => {
    expect(
      (await plan({ web1: 'ready', web2: { admin: 'ready', health: 'unchecked' } }, 'web1', 'drain'))
        .lastReady,
    ).toEqual([]);
    expect((await plan({ web1: 'maint' }, 'web1', 'ready')).lastReady).toEqual([]);
  });

  it('skips a balancer the target is no member of', async () => {
    expect((await plan({ web2: 'ready' }, 'web1', 'drain')).changes).toEqual([]);
  });
});
