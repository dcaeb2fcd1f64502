import { afterEach, describe, expect, it, vi } from 'vitest';
import { drain } from '../../../src/ops/drain/drain.js';
import { drainPeriodically, drainUntilDone, type DrainCycle } from '../../../src/ops/drain/drain-loop.js';
import { LEAK_CHECK_EVERY_MS } from '../../../src/ops/leaks/leak-check.js';
import { rollback } from '../../../src/ops/rollback/rollback.js';
import { undeployVersion } from '../../../src/ops/undeploy/undeploy.js';
import { ConnectionError } from '../../../src/errors/error-classes.js';
import { FakeManager, entry } from '../../helpers/fake-client.js';
import { onFakeClock } from '../../helpers/fake-clock.js';

afterEach(() => {
  vi.useRealTimers();
});

const findleaksCalls = (tomcat: FakeManager) => tomcat.calls.filter((call) => call === 'findleaks').length;

describe('checkLeaks', () => {
  it('drain: after its undeploys, each leaked path with the versions this drain undeployed there', async () => {
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002'), entry('/shop', '003')]);
    tomcat.leakedPaths = ['/shop', '/old'];
    const report = await drain(tomcat, { graceMs: 0, checkLeaks: true });
    expect(report.undeployed).toBe(2);
    expect(report.leaks).toEqual({
      ok: true,
      report: {
        target: 'fake',
        leaks: [
          { path: '/shop', undeployedNow: ['001', '002'] },
          { path: '/old', undeployedNow: [] },
        ],
      },
    });
    // The GC is forced once, after the last undeploy.
    expect(tomcat.calls.indexOf('findleaks')).toBe(tomcat.calls.length - 1);
  });

  it('drain: nothing undeployed, no findleaks (a full GC for old news); without checkLeaks, never', async () => {
    const tomcat = new FakeManager([entry('/shop', '001', 'running', 3), entry('/shop', '002')]);
    expect((await drain(tomcat, { graceMs: 0, checkLeaks: true })).leaks).toBeUndefined();
    const other = new FakeManager([entry('/shop', '001'), entry('/shop', '002')]);
    expect((await drain(other, { graceMs: 0 })).leaks).toBeUndefined();
    expect(findleaksCalls(tomcat) + findleaksCalls(other)).toBe(0);
  });

  it('a failed findleaks is reported, not thrown: the drain before it succeeded', async () => {
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002')]);
    tomcat.failNext.set('findleaks', new ConnectionError('Cannot reach the Manager.', { transient: true }));
    const report = await drain(tomcat, { graceMs: 0, checkLeaks: true });
    expect(report.undeployed).toBe(1);
    expect(report.leaks).toMatchObject({ ok: false, error: { code: 'E_CONNECT' } });
  });

  it('undeploy and rollback: the versions they removed are the suspects', async () => {
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002'), entry('/shop', '003')]);
    tomcat.leakedPaths = ['/shop'];
    const undeployed = await undeployVersion(tomcat, { path: '/shop', version: '001', checkLeaks: true });
    expect(undeployed.leaks).toEqual({
      ok: true,
      report: { target: 'fake', leaks: [{ path: '/shop', undeployedNow: ['001'] }] },
    });
    const rolledBack = await rollback(tomcat, { path: '/shop', checkLeaks: true });
    expect(rolledBack.leaks).toEqual({
      ok: true,
      report: { target: 'fake', leaks: [{ path: '/shop', undeployedNow: ['003'] }] },
    });
    expect(
      (await undeployVersion(tomcat, { path: '/shop', version: '002', force: true })).leaks,
    ).toBeUndefined();
  });

  it('drain --wait: one check at the end, for everything the whole wait undeployed', async () => {
    const tomcat = new FakeManager([
      entry('/shop', '001', 'running', 1),
      entry('/shop', '002'),
      entry('/shop', '003'),
    ]);
    tomcat.leakedPaths = ['/shop'];
    let lists = 0;
    // 001's visitor leaves after the first cycle.
    tomcat.beforeList = (contexts) => {
      if (++lists === 3) for (const context of contexts) context.sessions = 0;
    };
    vi.useFakeTimers();
    const result = await onFakeClock(
      drainUntilDone(tomcat, {
        timeoutMs: 10_000,
        pollMs: 1,
        graceMs: 0,
        checkLeaks: true,
      }),
    );
    expect(result.complete).toBe(true);
    expect(findleaksCalls(tomcat)).toBe(1);
    expect(result.leaks).toEqual({
      ok: true,
      report: { target: 'fake', leaks: [{ path: '/shop', undeployedNow: ['001', '002'] }] },
    });
  });

  it('drain --every: at most once an hour, and only after a cycle that undeployed', async () => {
    vi.useFakeTimers();
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002')]);
    const controller = new AbortController();
    const cycles: DrainCycle[] = [];
    let deployed = 2;
    await onFakeClock(
      drainPeriodically(tomcat, {
        intervalMs: 10 * 60_000,
        graceMs: 0,
        checkLeaks: true,
        signal: controller.signal,
        onCycle: (cycle) => {
          cycles.push(cycle);
          // A new version every cycle leaves one drained version for the next, 10 minutes later.
          tomcat.contexts.push(entry('/shop', String(++deployed).padStart(3, '0')));
          if (cycles.length === 8) controller.abort();
        },
      }),
    );
    const checkedIn = cycles.flatMap((cycle) => (cycle.report?.leaks === undefined ? [] : [cycle.cycle]));
    // Cycle 1 checks; the next hour is 60 minutes later: cycle 7 (6 x 10 minutes).
    expect(checkedIn).toEqual([1, 7]);
    expect(LEAK_CHECK_EVERY_MS).toBe(3_600_000);
  });
});
