import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { drainTarget } from '../../../src/ops/lb/drain-target.js';
import type { DrainProgress } from '../../../src/ops/lb/wait-drained.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';
import { entry, FakeManager } from '../../helpers/fake-client.js';
import { onFakeClock } from '../../helpers/fake-clock.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function setUp(sessions: number) {
  const lb = new FakeBalancer('lb1', { web1: 'ready', web2: 'ready' });
  const client = new FakeManager([entry('/shop', '002', 'running', sessions)]);
  client.name = 'web1';
  return { lb, client };
}

/** Drains web1 and waits, on the fake clock, keeping every progress. */
async function drainWatched(lb: FakeBalancer, client: FakeManager) {
  const seen: DrainProgress[] = [];
  const report = await onFakeClock(
    drainTarget({
      balancers: [lb],
      target: 'web1',
      client,
      wait: true,
      onProgress: (progress) => seen.push(progress),
    }),
  );
  return { seen, report };
}

describe('drainTarget', () => {
  it('without wait, drains and returns at once', async () => {
    const { lb, client } = setUp(2);
    const report = await drainTarget({ balancers: [lb], target: 'web1', client });
    expect(report.drained).toBeUndefined();
    expect(client.calls).toEqual([]);
  });

  it('waits until Tomcat holds no session there, not until the balancer counts no request', async () => {
    const { lb, client } = setUp(2);
    let reads = 0;
    client.beforeList = (contexts) => {
      reads += 1;
      // The first read is the wait's start; the third look finds no session.
      if (reads === 4) contexts[0]!.sessions = 0;
    };
    const { seen, report } = await drainWatched(lb, client);
    expect(seen.map(({ sessions, inFlight }) => [sessions, inFlight])).toEqual([
      [2, undefined],
      [2, undefined],
      [0, undefined],
    ]);
    expect(seen[0]!.eta).toEqual({ kind: 'by', inMs: 31 * 60_000 });
    expect(report.drained).toMatchObject({ sessions: 0, elapsedMs: 4_000 });
  });

  it('waits only for the sessions that existed when it began, told apart by their ids (JMX proxy)', async () => {
    const { lb, client } = setUp(2);
    client.sessionIdMap = new Map([['/shop##002', ['a.web1', 'b.web1']]]);
    // Visitors whose session ended come back with a cookie naming web1 and get new ones there.
    const later = [
      ['b.web1', 'c.web1', 'd.web1'],
      ['c.web1', 'd.web1', 'e.web1'],
    ];
    let reads = 0;
    client.beforeList = (contexts) => {
      reads += 1;
      const ids = later[Math.min(reads - 2, 1)];
      if (ids === undefined) return;
      client.sessionIdMap!.set('/shop##002', ids);
      contexts[0]!.sessions = ids.length;
    };
    const { seen } = await drainWatched(lb, client);
    expect(seen.map(({ sessions, sessionsFromBefore }) => [sessions, sessionsFromBefore])).toEqual([
      [3, 1],
      [3, 0],
    ]);
  });

  it('without the JMX proxy, an app that had sessions is waited for until it has none at all', async () => {
    const { lb, client } = setUp(2);
    client.beforeList = (contexts) => (contexts[0]!.sessions = 3);
    const error = await onFakeClock(
      drainTarget({ balancers: [lb], target: 'web1', client, wait: true, maxWaitMs: 4_000 }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_OPERATION' });
    expect(client.calls.filter((call) => call.startsWith('sessionIds'))).toEqual(['sessionIds /shop##002']);
  });

  it('sessions begun since in an app that had none when it began never hold it, even without the proxy', async () => {
    const { lb, client } = setUp(0);
    let reads = 0;
    client.beforeList = (contexts) => {
      reads += 1;
      if (reads > 1) contexts[0]!.sessions = 4;
    };
    const report = await onFakeClock(drainTarget({ balancers: [lb], target: 'web1', client, wait: true }));
    expect(report.drained).toMatchObject({ sessions: 4, sessionsFromBefore: 0, elapsedMs: 0 });
  });

  it('waits for the requests in flight where the balancer counts them', async () => {
    const { lb, client } = setUp(0);
    lb.members.set('web1', { name: 'web1', admin: 'ready', health: 'up', inFlight: 1 });
    client.beforeList = () => lb.members.set('web1', { ...lb.members.get('web1')!, inFlight: 0 });
    const report = await onFakeClock(drainTarget({ balancers: [lb], target: 'web1', client, wait: true }));
    expect(report.drained).toMatchObject({ sessions: 0, inFlight: 0 });
  });

  it('at --max-wait fails (exit 1) saying what is left; the target stays drained, nothing forced', async () => {
    const { lb, client } = setUp(3);
    const error = await onFakeClock(
      drainTarget({ balancers: [lb], target: 'web1', client, wait: true, maxWaitMs: 10_000 }),
    ).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'E_OPERATION',
      message:
        'web1 still has 3 sessions from before the drain after 10 s; it stays drained, nothing was forced.',
    });
    expect(lb.admin('web1')).toBe('drain');
    expect(client.changes).toEqual([]);
  });

  it('with --expire-idle, expires idle sessions on each read', async () => {
    const { lb, client } = setUp(2);
    await onFakeClock(
      drainTarget({ balancers: [lb], target: 'web1', client, wait: true, expireIdleMinutes: 5 }),
    );
    expect(client.changes).toEqual(['expire /shop##002 idle=5']);
  });

  it('stops when the member is no longer drained: the balancer reloaded and lost it, or someone changed it', async () => {
    const reloaded = setUp(1);
    reloaded.client.beforeList = () => {
      reloaded.lb.generation = 'g2';
      reloaded.lb.members.set('web1', { name: 'web1', admin: 'ready', health: 'up' });
    };
    const lost = await onFakeClock(
      drainTarget({ balancers: [reloaded.lb], target: 'web1', client: reloaded.client, wait: true }),
    ).catch((caught: unknown) => caught);
    expect(lost).toMatchObject({
      code: 'E_BALANCER',
      balancer: 'lb1',
      member: 'web1',
      answer: 'admin state ready',
    });
    expect((lost as Error).message).toBe(
      'web1 is no longer drained on lb1 (it reads ready): the balancer restarted or reloaded and lost the drain with its runtime state. Drain it again.',
    );
    const changed = setUp(1);
    changed.client.beforeList = () =>
      changed.lb.members.set('web1', { name: 'web1', admin: 'maint', health: 'up' });
    const error = await onFakeClock(
      drainTarget({ balancers: [changed.lb], target: 'web1', client: changed.client, wait: true }),
    ).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('(it reads maint): someone changed it.');
  });

  it('goes on when only the generation changed (nginx: every change of its file is one)', async () => {
    const { lb, client } = setUp(1);
    let reads = 0;
    client.beforeList = (contexts) => {
      lb.generation = `g${++reads}`;
      if (reads === 2) contexts[0]!.sessions = 0;
    };
    const report = await onFakeClock(drainTarget({ balancers: [lb], target: 'web1', client, wait: true }));
    expect(report.drained).toMatchObject({ sessions: 0 });
  });
});
