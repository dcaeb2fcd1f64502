import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/error-classes.js';
import { lbStatus } from '../../../src/ops/lb/lb-status.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';
import { entry, FakeManager } from '../../helpers/fake-client.js';

function tomcat(name: string, sessions: number) {
  const client = new FakeManager([
    entry('/shop', '002', 'running', sessions),
    entry('/manager', '', 'running', 7),
  ]);
  client.name = name;
  return client;
}

describe('lbStatus', () => {
  it("joins each member to its target and the visitors' sessions Tomcat holds there (not the Manager's)", async () => {
    const lb = new FakeBalancer('lb1', { s1: { admin: 'drain', inFlight: 2 }, s2: 'ready', spare: 'maint' });
    lb.memberMap = { web1: 's1', web2: 's2' };
    const web1 = tomcat('web1', 3);
    const web2 = tomcat('web2', 0);
    const report = await lbStatus({ balancers: [lb], clients: [web1, web2] });
    expect(report.balancers).toEqual([
      {
        balancer: 'lb1',
        type: 'haproxy',
        address: '/run/lb1.sock',
        ok: true,
        members: [
          { name: 's1', admin: 'drain', health: 'up', inFlight: 2, target: 'web1', sessions: 3 },
          { name: 's2', admin: 'ready', health: 'up', target: 'web2', sessions: 0 },
          { name: 'spare', admin: 'maint', health: 'up', target: undefined, sessions: undefined },
        ],
      },
    ]);
    expect([web1.calls, web2.calls]).toEqual([['list'], ['list']]);
  });

  it('reports a balancer or a target that cannot be read, and the others still', async () => {
    const down = new FakeBalancer('lb1', {});
    down.failRead = new ConnectionError('Cannot reach lb1 at /run/lb1.sock.', { transient: false });
    const up = new FakeBalancer('lb2', { web1: 'ready' });
    const web1 = tomcat('web1', 1);
    web1.failNext.set('list', new ConnectionError('web1 refused', { transient: false }));
    const report = await lbStatus({ balancers: [down, up], clients: [web1] });
    expect(report.balancers.map((balancer) => balancer.ok)).toEqual([false, true]);
    expect(report.balancers[0]).toMatchObject({ error: { code: 'E_CONNECT' } });
    expect(report.targets).toMatchObject([{ target: 'web1', ok: false, error: { code: 'E_CONNECT' } }]);
    expect(report.balancers[1]).toMatchObject({ members: [{ name: 'web1', sessions: undefined }] });
  });

  it('tells the colours through the members map: live, draining (sessions left), idle (maint)', async () => {
    const lb = new FakeBalancer('lb1', { s1: 'ready', s2: 'drain', s3: 'maint', spare: 'maint' });
    lb.memberMap = { web1: 's1', web2: 's2', web3: 's3' };
    const report = await lbStatus({
      balancers: [lb],
      clients: [tomcat('web1', 4), tomcat('web2', 2), tomcat('web3', 0)],
    });
    expect(report.colours).toEqual({
      told: true,
      colours: { live: ['web1'], draining: ['web2'], idle: ['web3'] },
    });
  });

  it('says why the colours cannot be told: all ready, or a balancer unread (its states unknown)', async () => {
    const clients = [tomcat('web1', 0), tomcat('web2', 0)];
    const allReady = await lbStatus({
      balancers: [new FakeBalancer('lb1', { web1: 'ready', web2: 'ready' })],
      clients,
    });
    expect(allReady.colours).toEqual({ told: false, untold: { reason: 'none-idle' } });
    const down = new FakeBalancer('lb2', {});
    down.failRead = new ConnectionError('Cannot reach lb2.', { transient: true });
    const oneDown = await lbStatus({
      balancers: [new FakeBalancer('lb1', { web1: 'ready', web2: 'maint' }), down],
      clients,
    });
    expect(oneDown.colours).toEqual({ told: false, untold: { reason: 'unread', balancers: ['lb2'] } });
  });
});
