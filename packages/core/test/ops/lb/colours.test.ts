import { describe, expect, it } from 'vitest';
import { tellColours } from '../../../src/ops/lb/colours.js';
import { FakeBalancer, type FakeMember } from '../../helpers/fake-balancer.js';

async function read(...balancers: FakeBalancer[]) {
  return Promise.all(balancers.map(async (balancer) => ({ balancer, reading: await balancer.read() })));
}

const lb = (name: string, members: Record<string, FakeMember>) => new FakeBalancer(name, members);
const targets = ['web1', 'web2', 'web3'];
const noSessions = new Map(targets.map((target) => [target, 0]));

describe('tellColours', () => {
  it('ready is live; maint and drained without sessions are idle; drained with sessions is draining', async () => {
    const readings = await read(lb('lb1', { web1: 'ready', web2: 'maint', web3: 'drain' }));
    expect(tellColours(readings, targets, noSessions)).toEqual({
      told: true,
      colours: { live: ['web1'], draining: [], idle: ['web2', 'web3'] },
    });
    const busy = new Map([...noSessions, ['web3', 4]]);
    expect(tellColours(readings, targets, busy)).toEqual({
      told: true,
      colours: { live: ['web1'], draining: ['web3'], idle: ['web2'] },
    });
  });

  it('a drained target whose sessions could not be read counts as draining, never as idle', async () => {
    const readings = await read(lb('lb1', { web1: 'ready', web2: 'drain' }));
    const unread = new Map<string, number | undefined>([
      ['web1', 0],
      ['web2', undefined],
    ]);
    expect(tellColours(readings, ['web1', 'web2'], unread)).toMatchObject({
      colours: { draining: ['web2'], idle: [] },
    });
  });

  it('judges by the admin state, not by health: a member in maint that reads down is idle', async () => {
    const readings = await read(lb('lb1', { web1: 'ready', web2: { admin: 'maint', health: 'down' } }));
    expect(tellColours(readings, ['web1', 'web2'], noSessions)).toMatchObject({
      colours: { live: ['web1'], idle: ['web2'] },
    });
  });

  it('cannot tell the colours when a target differs between balancers, naming its state on each', async () => {
    const readings = await read(
      lb('lb1', { web1: 'ready', web2: 'maint' }),
      lb('lb2', { web1: 'ready', web2: 'ready' }),
    );
    expect(tellColours(readings, ['web1', 'web2'], noSessions)).toEqual({
      told: false,
      untold: { reason: 'mixed', mixed: [{ target: 'web2', states: { lb1: 'maint', lb2: 'ready' } }] },
    });
  });

  it('cannot tell them when all are ready, none is, or a target is on no balancer', async () => {
    expect(
      tellColours(await read(lb('lb1', { web1: 'ready', web2: 'ready' })), ['web1', 'web2'], noSessions),
    ).toEqual({ told: false, untold: { reason: 'none-idle' } });
    expect(
      tellColours(await read(lb('lb1', { web1: 'maint', web2: 'drain' })), ['web1', 'web2'], noSessions),
    ).toEqual({ told: false, untold: { reason: 'none-live' } });
    expect(tellColours(await read(lb('lb1', { web1: 'ready', web2: 'maint' })), targets, noSessions)).toEqual(
      {
        told: false,
        untold: { reason: 'no-member', targets: ['web3'] },
      },
    );
  });

  it('a balancer without a target does not make it mixed: its state is the one of those that have it', async () => {
    const readings = await read(lb('lb1', { web1: 'ready', web2: 'maint' }), lb('lb2', { web1: 'ready' }));
    expect(tellColours(readings, ['web1', 'web2'], noSessions)).toMatchObject({
      colours: { live: ['web1'], idle: ['web2'] },
    });
  });
});
