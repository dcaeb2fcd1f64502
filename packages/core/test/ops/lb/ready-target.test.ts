import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../../../src/errors/error-classes.js';
import { readyTarget } from '../../../src/ops/lb/ready-target.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';
import { entry, FakeManager } from '../../helpers/fake-client.js';

function setUp(answer: number) {
  const lb = new FakeBalancer('lb1', { web1: 'maint', web2: 'ready' });
  const client = new FakeManager([
    entry('/shop', '002', 'running'),
    entry('/old', '', 'stopped'),
    entry('/manager', ''),
  ]);
  client.name = 'web1';
  client.answerVisit = () => ({ status: answer, body: '' });
  return { lb, client };
}

describe('readyTarget', () => {
  it('asks each running app with OPTIONS (no page runs, no session is made), then makes the target ready', async () => {
    const { lb, client } = setUp(405);
    const report = await readyTarget({ balancers: [lb], target: 'web1', client });
    expect(client.calls).toEqual(['list', 'visit OPTIONS /shop/']);
    expect(lb.sent).toEqual(['web1:ready']);
    expect(report.balancers[0]).toMatchObject({ before: 'maint', after: 'ready' });
  });

  it('with probe paths, GETs each under each app and wants 2xx or 3xx', async () => {
    const { lb, client } = setUp(200);
    await readyTarget({ balancers: [lb], target: 'web1', client, probes: ['/health', '/ready'] });
    expect(client.calls).toEqual(['list', 'visit /shop/health', 'visit /shop/ready']);
  });

  it('refuses (E_UNSAFE, not-serving) when an app answers 5xx, or its probe does not answer 2xx-3xx: nothing sent', async () => {
    const failing = setUp(503);
    await expect(
      readyTarget({ balancers: [failing.lb], target: 'web1', client: failing.client }),
    ).rejects.toMatchObject({
      code: 'E_UNSAFE',
      rule: 'not-serving',
      message: 'Refusing to make web1 ready: OPTIONS /shop/ answered 503. Nothing was changed.',
    });
    const missing = setUp(404);
    await expect(
      readyTarget({ balancers: [missing.lb], target: 'web1', client: missing.client, probes: ['/health'] }),
    ).rejects.toMatchObject({ rule: 'not-serving' });
    expect([failing.lb.sent, missing.lb.sent]).toEqual([[], []]);
  });

  it('is a connection error (exit 4) when the Tomcat does not answer, nothing sent', async () => {
    const { lb, client } = setUp(200);
    client.failNext.set('list', new ConnectionError('Cannot connect to web1.', { transient: false }));
    await expect(readyTarget({ balancers: [lb], target: 'web1', client })).rejects.toMatchObject({
      code: 'E_CONNECT',
    });
    expect(lb.sent).toEqual([]);
  });
});
