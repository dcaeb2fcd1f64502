import { SESSION_SWEEP_LAG_MS } from '../../../src/ops/metrics/drain-eta.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  drain,
  type DrainOutcome,
  type DrainReport,
  type DrainVersionReport,
} from '../../../src/ops/drain/drain.js';
import type { DrainAction } from '../../../src/ops/drain/plan-drain.js';
import {
  drainPeriodically,
  drainUntilDone,
  pendingVersions,
  type DrainCycle,
} from '../../../src/ops/drain/drain-loop.js';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { FakeManager, entry } from '../../helpers/fake-client.js';
import { onFakeClock } from '../../helpers/fake-clock.js';

// The loops wait with the global timer (common/sleep.ts): on the fake clock, an interval takes no time.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Aborts after `cycles` cycles were reported (or at once when reached by a later call). */
function recorder(controller: AbortController, cycles: number) {
  const seen: DrainCycle[] = [];
  const onCycle = (cycle: DrainCycle) => {
    seen.push(cycle);
    if (seen.length >= cycles) controller.abort();
  };
  return { seen, onCycle };
}

describe('pendingVersions', () => {
  it('lists what the drain wants gone and what is kept only for its sessions', async () => {
    const tomcat = new FakeManager([
      entry('/a', '001', 'running', 2),
      entry('/a', '002', 'running', 1),
      entry('/a', '003'),
      entry('/a', '004'),
      entry('/a', '005', 'stopped'),
    ]);
    // keep 1: 003 is the rollback target; 001 and 002 still have sessions; 005 rolls forward.
    const report = await drain(tomcat, { dryRun: true, keep: 1 });
    const pending = pendingVersions(report).map((v) => `${v.path}##${v.version}`);
    expect(pending).toEqual(['/a##001', '/a##002']);
  });

  it('does not count a draining rollback target, nor a drained one', async () => {
    const tomcat = new FakeManager([
      entry('/a', '001'),
      entry('/a', '002', 'running', 4),
      entry('/a', '003'),
    ]);
    const report = await drain(tomcat, { dryRun: true, keep: 1 });
    expect(pendingVersions(report).map((v) => v.version)).toEqual(['001']);
    const none = await drain(new FakeManager([entry('/a', '003')]), { dryRun: true });
    expect(pendingVersions(none)).toEqual([]);
  });
  it('does not count what was undeployed; counts what failed, waits or expires first', () => {
    // pendingVersions reads the outcome, the action and the cause; not what each outcome carries.
    const version = (v: string, action: DrainAction, outcome: DrainOutcome) =>
      ({
        version: v,
        state: 'running',
        role: 'drained',
        sessions: 0,
        action,
        cause: { kind: 'drained' },
        reason: 'drained: no sessions',
        outcome,
      }) as DrainVersionReport;
    const report: DrainReport = {
      target: 'web1',
      dryRun: false,
      apps: [
        {
          path: '/a',
          live: '009',
          versions: [
            version('001', 'undeploy', 'undeployed'),
            version('002', 'undeploy', 'failed'),
            version('003', 'undeploy', 'waiting'),
            version('004', 'expire-then-undeploy', 'skipped'),
          ],
        },
      ],
      undeployed: 1,
      failed: 1,
      probes: [],
    };
    expect(pendingVersions(report).map((v) => v.version)).toEqual(['002', '003', '004']);
  });
});

describe('drainPeriodically', () => {
  it('runs cycles on the interval, never overlapping, and resolves on abort', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const controller = new AbortController();
    const { seen, onCycle } = recorder(controller, 3);
    await onFakeClock(
      drainPeriodically(tomcat, { intervalMs: 20, graceMs: 0, signal: controller.signal, onCycle }),
    );
    expect(seen.map((c) => c.cycle)).toEqual([1, 2, 3]);
    expect(seen[0]!.report?.undeployed).toBe(1);
    expect(seen[1]!.report?.undeployed).toBe(0);
    expect(tomcat.changes).toEqual(['undeploy /a##001']);
    const starts = seen.map((c) => Date.parse(c.startedAt));
    expect(starts[2]! - starts[1]!).toBe(20);
  });

  it('stops within the interval when aborted while waiting', async () => {
    const tomcat = new FakeManager([entry('/a', '001')]);
    const controller = new AbortController();
    const loop = drainPeriodically(tomcat, {
      intervalMs: 60_000,
      signal: controller.signal,
      onCycle: () => {},
    });
    await vi.advanceTimersByTimeAsync(50);
    controller.abort();
    // Resolved with no more time passing, and the wait's timer is gone.
    await loop;
    expect(vi.getTimerCount()).toBe(0);
  });

  it('reports a failed cycle and goes on', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    tomcat.failNext.set('list', new TomcatPdError(ErrorCode.connect, 'refused'));
    const controller = new AbortController();
    const { seen, onCycle } = recorder(controller, 2);
    await onFakeClock(
      drainPeriodically(tomcat, { intervalMs: 10, graceMs: 0, signal: controller.signal, onCycle }),
    );
    expect(seen[0]).toMatchObject({ cycle: 1, error: { code: 'E_CONNECT', message: 'refused' } });
    expect(seen[0]!.report).toBeUndefined();
    expect(seen[1]!.report?.undeployed).toBe(1);
  });

  it('ends with the error when the credentials are refused (no lock-out by retries)', async () => {
    const tomcat = new FakeManager([entry('/a', '001')]);
    tomcat.failNext.set('list', new TomcatPdError(ErrorCode.auth, 'wrong password'));
    const cycles: DrainCycle[] = [];
    const loop = drainPeriodically(tomcat, { intervalMs: 10, onCycle: (c) => cycles.push(c) });
    await expect(onFakeClock(loop)).rejects.toMatchObject({ code: 'E_AUTH' });
    expect(cycles).toEqual([]);
  });

  it('carries the grace period across cycles instead of sleeping', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const controller = new AbortController();
    const seen: DrainCycle[] = [];
    const onCycle = (cycle: DrainCycle) => {
      seen.push(cycle);
      if (cycle.report?.undeployed) controller.abort();
    };
    await onFakeClock(
      drainPeriodically(tomcat, { intervalMs: 20, graceMs: 120, signal: controller.signal, onCycle }),
    );
    const first = seen[0]!.report!.apps[0]!.versions[0]!;
    expect(first.outcome).toBe('waiting');
    const undeployedAt = Date.parse(seen.at(-1)!.startedAt);
    // Seen drained at 0 ms, undeployed by the first cycle a grace period (120 ms) later: the 7th.
    expect(undeployedAt - Date.parse(seen[0]!.startedAt)).toBe(120);
    expect(seen.length).toBe(7);
    expect(tomcat.changes).toEqual(['undeploy /a##001']);
  });
});

describe('drainUntilDone', () => {
  it('completes once the last session of an old version has ended, and tells the whole wait', async () => {
    const tomcat = new FakeManager([
      entry('/a', '000'),
      entry('/a', '001', 'running', 1),
      entry('/a', '002'),
    ]);
    let lists = 0;
    tomcat.beforeList = (contexts) => {
      // Cycle 1 lists twice (plan, re-check of 000); cycle 2 once; cycle 3 sees the session gone.
      if (++lists === 4) contexts.find((c) => c.version === '001')!.sessions = 0;
    };
    const cycles: DrainCycle[] = [];
    const result = await onFakeClock(
      drainUntilDone(tomcat, {
        timeoutMs: 2_000,
        pollMs: 10,
        graceMs: 0,
        onCycle: (c) => cycles.push(c),
      }),
    );
    expect(tomcat.changes).toEqual(['undeploy /a##000', 'undeploy /a##001']);
    expect(cycles.length).toBe(3);
    expect(result).toMatchObject({ complete: true, undeployed: 2, failed: 0 });
    expect(result.apps[0]!.versions.map((v) => `${v.version} ${v.outcome}`)).toEqual([
      '000 undeployed',
      '001 undeployed',
      '002 kept',
    ]);
  });

  it('with eta, each cycle says when a version that waits for its sessions is empty', async () => {
    const tomcat = new FakeManager([entry('/a', '001', 'running', 2), entry('/a', '002')]);
    const cycles: DrainCycle[] = [];
    await onFakeClock(
      drainUntilDone(tomcat, {
        timeoutMs: 30,
        pollMs: 10,
        graceMs: 0,
        eta: true,
        onCycle: (c) => cycles.push(c),
      }),
    );
    // The fake's sessions are all idle under a minute, with a 30-minute timeout.
    expect(cycles[0]?.etas).toEqual([
      { path: '/a', version: '001', eta: { kind: 'by', inMs: 30 * 60_000 + SESSION_SWEEP_LAG_MS } },
    ]);
    expect(tomcat.calls.filter((call) => call.startsWith('sessions'))).toHaveLength(cycles.length);
    const quiet: DrainCycle[] = [];
    await onFakeClock(
      drainUntilDone(tomcat, { timeoutMs: 30, pollMs: 10, graceMs: 0, onCycle: (c) => quiet.push(c) }),
    );
    expect(quiet[0]).not.toHaveProperty('etas');
  });

  it('returns complete:false at the time-out, with the last report', async () => {
    const tomcat = new FakeManager([entry('/a', '001', 'running', 1), entry('/a', '002')]);
    const started = Date.now();
    const result = await onFakeClock(drainUntilDone(tomcat, { timeoutMs: 80, pollMs: 20 }));
    expect(result.complete).toBe(false);
    // It stops at the time-out, not a poll later.
    expect(result.waitedMs).toBe(80);
    expect(Date.now() - started).toBe(80);
    expect(pendingVersions(result).map((v) => v.reason)).toEqual(['draining: 1 session']);
  });

  it('retries a failed cycle, and throws it when no cycle succeeded', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    tomcat.failNext.set('list', new TomcatPdError(ErrorCode.server, 'HTTP 503'));
    const result = await onFakeClock(drainUntilDone(tomcat, { timeoutMs: 1_000, pollMs: 10, graceMs: 0 }));
    expect(result.complete).toBe(true);
    tomcat.failNext.set('list', new TomcatPdError(ErrorCode.server, 'HTTP 503'));
    await expect(drainUntilDone(tomcat, { timeoutMs: 0 })).rejects.toMatchObject({ code: 'E_SERVER' });
  });

  it('throws E_ABORTED when aborted while waiting', async () => {
    const tomcat = new FakeManager([entry('/a', '001', 'running', 1), entry('/a', '002')]);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 30);
    const waiting = drainUntilDone(tomcat, { timeoutMs: 60_000, pollMs: 10_000, signal: controller.signal });
    await expect(onFakeClock(waiting)).rejects.toMatchObject({ code: 'E_ABORTED' });
    // Aborted at 30 ms, in the first wait of 10 s.
    expect(Date.now() - started).toBe(30);
  });

  it('refuses a dry run, which could never finish', async () => {
    const tomcat = new FakeManager([]);
    await expect(drainUntilDone(tomcat, { timeoutMs: 10, dryRun: true })).rejects.toMatchObject({
      code: 'E_USAGE',
    });
  });
});
