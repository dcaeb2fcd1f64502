import { describe, expect, it } from 'vitest';
import { planRestart, tooFewReadyError } from '../../../src/ops/restart/plan-restart.js';
import { FakeBalancer, type FakeMember } from '../../helpers/fake-balancer.js';

async function read(members: Record<string, FakeMember>) {
  const balancer = new FakeBalancer('lb1', members);
  return [{ balancer, reading: await balancer.read() }];
}

describe('planRestart', () => {
  it('keeps the order it is given and refuses nothing with two members ready and up', async () => {
    const plan = planRestart(await read({ web1: 'ready', web2: 'ready', web3: 'drain' }), ['web2', 'web1']);
    expect(plan).toEqual({ order: ['web2', 'web1'], tooFewReady: [] });
  });

  it('refuses a balancer where only one member takes new visitors (another in maint, or down)', async () => {
    expect(planRestart(await read({ web1: 'ready', web2: 'maint' }), ['web1', 'web2']).tooFewReady).toEqual([
      { balancer: 'lb1', ready: ['web1'] },
    ]);
    const down = planRestart(await read({ web1: 'ready', web2: { admin: 'ready', health: 'down' } }), [
      'web1',
    ]);
    expect(down.tooFewReady).toEqual([{ balancer: 'lb1', ready: ['web1'] }]);
    const error = tooFewReadyError(down);
    expect(error.code).toBe('E_UNSAFE');
    expect(error.rule).toBe('too-few-ready');
  });

  it('ignores a balancer that has none of the targets', async () => {
    expect(planRestart(await read({ other1: 'ready' }), ['web1']).tooFewReady).toEqual([]);
  });
});
