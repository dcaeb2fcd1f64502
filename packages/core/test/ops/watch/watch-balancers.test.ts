import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DriverCallOptions } from '../../../src/balancer/balancer-driver.js';
import type { BalancerReading } from '../../../src/balancer/member-state.js';
import { ConnectionError } from '../../../src/errors/error-classes.js';
import type { BalancersSnapshot } from '../../../src/ops/watch/balancer-snapshot.js';
import { watchBalancers } from '../../../src/ops/watch/watch-balancers.js';
import { FakeBalancer } from '../../helpers/fake-balancer.js';

/** A balancer whose reads are counted, and that can be made to hang until its read is aborted. */
class CountedBalancer extends FakeBalancer {
  reads: number[] = [];
  hang = false;

  override async read(options: DriverCallOptions = {}): Promise<BalancerReading> {
    this.reads.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 10));
    if (this.hang) {
      // As a driver does: nothing until the signal aborts the request.
      await new Promise((_, reject) =>
        options.signal?.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    }
    return super.read();
  }
}

/** Runs the watch for `ms` of fake time, a read every second; its snapshots, then it is stopped. */
async function watchFor(balancers: CountedBalancer[], ms: number) {
  const controller = new AbortController();
  const snapshots: BalancersSnapshot[] = [];
  const done = watchBalancers(balancers, {
    intervalMs: 1_000,
    targets: ['web1', 'web2'],
    signal: controller.signal,
    onChange: (snapshot) => snapshots.push(snapshot),
  });
  await vi.advanceTimersByTimeAsync(ms);
  controller.abort();
  await vi.advanceTimersByTimeAsync(50);
  await done;
  return snapshots;
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('watchBalancers', () => {
  it('reads each balancer once per interval, each member with the target it maps to', async () => {
    const lb1 = new CountedBalancer('lb1', {
      s1: { admin: 'drain', inFlight: 2 },
      web2: 'ready',
      spare: 'maint',
    });
    lb1.memberMap = { web1: 's1' };
    const snapshots = await watchFor([lb1], 3_500);
    expect(lb1.reads.map((at) => at - lb1.reads[0]!)).toEqual([0, 1_000, 2_000, 3_000]);
    const last = snapshots.at(-1)!;
    expect(last.sequence).toBe(4);
    expect(last.balancers[0]).toMatchObject({
      state: 'up',
      balancer: 'lb1',
      type: 'haproxy',
      address: '/run/lb1.sock',
      members: [
        { name: 's1', admin: 'drain', health: 'up', inFlight: 2, target: 'web1' },
        { name: 'web2', admin: 'ready', health: 'up', target: 'web2' },
        { name: 'spare', admin: 'maint', health: 'up', target: undefined },
      ],
    });
  });

  it('a balancer that fails is down with its error, read again, and up when it answers; the others go on', async () => {
    const lb1 = new CountedBalancer('lb1', { web1: 'ready' });
    const lb2 = new CountedBalancer('lb2', { web1: 'ready' });
    lb1.failRead = new ConnectionError('Cannot reach balancer lb1 at /run/lb1.sock.', { transient: true });
    const first = await watchFor([lb1, lb2], 1_500);
    expect(first.at(-1)!.balancers.map((entry) => entry.state)).toEqual(['down', 'up']);
    expect(first.at(-1)!.balancers[0]).toMatchObject({ state: 'down', error: { code: 'E_CONNECT' } });
    expect(lb1.reads).toHaveLength(2);

    lb1.failRead = undefined;
    const again = await watchFor([lb1], 500);
    expect(again.at(-1)!.balancers[0]?.state).toBe('up');
  });

  it('a balancer that does not answer is down after the read time-out, and delays no other', async () => {
    const slow = new CountedBalancer('slow', { web1: 'ready' });
    slow.hang = true;
    const fast = new CountedBalancer('fast', { web1: 'ready' });
    const snapshots = await watchFor([slow, fast], 5_500);
    expect(fast.reads).toHaveLength(6);
    const down = snapshots.find((snapshot) => snapshot.balancers[0]?.state === 'down')!;
    expect(down.balancers[0]).toMatchObject({
      state: 'down',
      error: { code: 'E_CONNECT', message: 'Balancer slow did not answer within 5 s at /run/slow.sock.' },
    });
  });

  it('ends when the signal aborts, a read in flight included, and publishes nothing after', async () => {
    const lb1 = new CountedBalancer('lb1', { web1: 'ready' });
    lb1.hang = true;
    const snapshots = await watchFor([lb1], 1_000);
    expect(snapshots).toEqual([]);
  });

  it('refuses an interval of 0 before any read', async () => {
    const lb1 = new CountedBalancer('lb1', { web1: 'ready' });
    await expect(
      watchBalancers([lb1], { intervalMs: 0, targets: [], onChange: () => undefined }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    expect(lb1.reads).toEqual([]);
  });
});
