import { describe, expect, it } from 'vitest';
import { BalancerError, UnsafeOperationError } from '../../../src/errors/error-classes.js';
import { blueGreenRollback } from '../../../src/ops/bluegreen/blue-green-rollback.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';
import { entry, fakeFleet } from '../../helpers/fake-client.js';
import { failureOf } from '../../helpers/failure.js';

/** After a blue/green deploy: web2 live with 002, web1 drained with its visitors on 001. */
function setUp() {
  const lbs = ['lb1', 'lb2'].map((name) => new FakeBalancer(name, { web1: 'drain', web2: 'ready' }));
  const clients = fakeFleet(
    [entry('/shop', '001', 'running', 2)],
    [entry('/shop', '001'), entry('/shop', '002', 'running', 1)],
  );
  return { lbs, clients, options: { balancers: lbs, clients, path: '/shop', intervalMs: 1, maxDrainMs: 30 } };
}

describe('blueGreenRollback', () => {
  it('makes the other colour ready on every balancer first, then drains the current one; nothing undeployed', async () => {
    const { lbs, clients, options } = setUp();
    const report = await blueGreenRollback({ ...options, probes: ['/health'] });
    for (const lb of lbs) expect(lb.sent).toEqual(['web1:ready', 'web2:drain']);
    expect(report.before).toEqual({ live: ['web2'], draining: ['web1'], idle: [] });
    expect(report.after).toEqual({ told: true, colours: { live: ['web1'], draining: ['web2'], idle: [] } });
    expect(report.steps.map((step) => [step.step, step.targets, step.outcome])).toEqual([
      ['ready', ['web1'], 'done'],
      ['drain', ['web2'], 'done'],
    ]);
    expect(clients[0]!.calls).toContain('visit /shop/health');
    expect(clients.flatMap((client) => client.changes)).toEqual([]);
    expect(report.previous.map((pin) => pin.url)).toEqual([
      '/shop/?TOMCAT_PD_PIN=web2',
      '/shop/?TOMCAT_PD_PIN=web2',
    ]);
  });

  it('refuses (no-live-version, nothing changed) when the other colour runs no version of the app', async () => {
    const { lbs, clients, options } = setUp();
    clients[0]!.contexts[0]!.state = 'stopped';
    const error = await failureOf(blueGreenRollback(options));
    expect(error).toBeInstanceOf(UnsafeOperationError);
    expect(error).toMatchObject({ rule: 'no-live-version' });
    expect(error.message).toContain('no version of /shop runs on web1');
    expect(lbs.flatMap((lb) => lb.sent)).toEqual([]);
  });

  it('a failed drain of the current colour makes it ready again and puts the other back as it was', async () => {
    const { lbs, options } = setUp();
    const send = lbs[1]!.send.bind(lbs[1]);
    lbs[1]!.send = (member, state) =>
      member === 'web2' && state === 'drain'
        ? Promise.reject(new BalancerError('lb2 refused', { balancer: 'lb2' }))
        : send(member, state);
    const error = await failureOf(blueGreenRollback(options));
    expect(error).toMatchObject({ step: 'drain', live: ['web2'] });
    for (const lb of lbs) expect([lb.admin('web1'), lb.admin('web2')]).toEqual(['drain', 'ready']);
  });

  it('with waitDrain, waits for the colour it left and puts it in maint', async () => {
    const { lbs, clients, options } = setUp();
    clients[1]!.contexts[1]!.sessions = 0;
    const report = await blueGreenRollback({ ...options, waitDrain: true });
    for (const lb of lbs) expect(lb.sent).toEqual(['web1:ready', 'web2:drain', 'web2:maint']);
    expect(report.steps.map((step) => step.step)).toEqual(['ready', 'drain', 'maint']);
  });
});
