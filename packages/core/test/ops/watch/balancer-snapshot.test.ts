import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/error-classes.js';
import {
  balancersView,
  coloursView,
  initialBalancersSnapshot,
  withBalancer,
  type BalancersSnapshot,
  type BalancerUp,
} from '../../../src/ops/watch/balancer-snapshot.js';
import type { FleetSnapshot, TargetSnapshot } from '../../../src/ops/watch/fleet-snapshot.js';

const READ_AT = Date.UTC(2026, 11, 7, 10, 0, 0);

/** A target read up, with /shop 001 (draining) and 002 and the Manager's own sessions. */
function up(target: string, shop: [number, number], manager = 5): TargetSnapshot {
  const version = (v: string, sessions: number) => ({
    version: v,
    state: 'running' as const,
    sessions,
    role: 'live' as const,
    name: `shop##${v}`,
    metrics: undefined,
  });
  return {
    state: 'up',
    target,
    managerUrl: `http://${target}:8080/manager`,
    readAt: READ_AT,
    durationMs: 3,
    metrics: { kind: 'not-asked' },
    report: {
      target,
      managerUrl: `http://${target}:8080/manager`,
      readAt: READ_AT,
      metaspace: undefined,
      apps: [
        { path: '/shop', live: '002', versions: [version('001', shop[0]), version('002', shop[1])] },
        { path: '/manager', live: '', versions: [version('', manager)] },
      ],
    },
  } as TargetSnapshot;
}

const lb1 = { name: 'lb1', type: 'haproxy' as const, address: '/run/lb1.sock' };

function balancers(): BalancersSnapshot {
  const initial = initialBalancersSnapshot([lb1, { ...lb1, name: 'lb2' }], 1_000);
  return withBalancer(initial, 0, {
    state: 'up',
    balancer: 'lb1',
    type: 'haproxy',
    address: '/run/lb1.sock',
    readAt: READ_AT,
    durationMs: 1,
    members: [
      { name: 'web1', admin: 'drain', health: 'up', inFlight: 1, target: 'web1' },
      { name: 'web2', admin: 'ready', health: 'down', target: 'web2' },
      { name: 'web3', admin: 'maint', health: 'unchecked', target: 'web3' },
      { name: 'spare', admin: 'ready', health: 'up', target: undefined },
    ],
  });
}

describe('balancersView', () => {
  it("each member with its target's visitor sessions from the fleet snapshot (the Manager's aside)", () => {
    const fleet: FleetSnapshot = {
      sequence: 3,
      intervalMs: 1_000,
      targets: [
        up('web1', [2, 1]),
        {
          state: 'down',
          target: 'web2',
          managerUrl: 'http://web2:8080/manager',
          readAt: READ_AT,
          durationMs: 1,
          error: new ConnectionError('web2 refused', { transient: true }),
          readAgain: true,
        },
        { state: 'pending', target: 'web3', managerUrl: 'http://web3:8080/manager' },
      ],
    };
    const view = balancersView(balancers(), fleet);
    expect(view[0]).toMatchObject({ state: 'up', balancer: 'lb1' });
    const members = view[0]!.state === 'up' ? view[0]!.members : [];
    expect(members.map(({ name, target, sessions }) => [name, target, sessions])).toEqual([
      ['web1', 'web1', 3],
      ['web2', 'web2', undefined],
      ['web3', 'web3', undefined],
      ['spare', undefined, undefined],
    ]);
    expect(members[0]).toMatchObject({ admin: 'drain', health: 'up', inFlight: 1 });
    expect(view[1]).toEqual({ state: 'pending', balancer: 'lb2', type: 'haproxy', address: '/run/lb1.sock' });
  });

  it('the sequence counts every change; the older snapshot is left as it was', () => {
    const initial = initialBalancersSnapshot([lb1], 1_000);
    const next = withBalancer(initial, 0, {
      state: 'down',
      balancer: 'lb1',
      type: 'haproxy',
      address: '/run/lb1.sock',
      readAt: READ_AT,
      durationMs: 2,
      error: new ConnectionError('Cannot reach balancer lb1.', { transient: true }),
    });
    expect([initial.sequence, next.sequence]).toEqual([0, 1]);
    expect(initial.balancers[0]?.state).toBe('pending');
    expect(next.balancers[0]?.state).toBe('down');
  });

  it('tells the colours from the view, sessions from the fleet; none while a balancer is not read', () => {
    const fleet: FleetSnapshot = {
      sequence: 1,
      intervalMs: 1_000,
      targets: [up('web1', [2, 1]), up('web2', [0, 0]), up('web3', [0, 0])],
    };
    const snapshot = balancers();
    const pending = balancersView(snapshot, fleet);
    expect(coloursView(pending, fleet)).toEqual({
      told: false,
      untold: { reason: 'unread', balancers: ['lb2'] },
    });
    const lb2 = { ...snapshot.balancers[0]!, balancer: 'lb2' } as BalancerUp;
    const both = balancersView(withBalancer(snapshot, 1, lb2), fleet);
    expect(coloursView(both, fleet)).toEqual({
      told: true,
      colours: { live: ['web2'], draining: ['web1'], idle: ['web3'] },
    });
  });
});
