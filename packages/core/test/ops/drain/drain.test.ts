import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../../../src/common/logger.js';
import { drain, runDrain } from '../../../src/ops/drain/drain.js';
import { parseDrainOptions } from '../../../src/ops/drain/drain-options.js';
import { DrainTracker } from '../../../src/ops/drain/drain-tracker.js';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatFailError } from '../../../src/manager/parse/tomcat-fail.js';
import { describeApp } from '../../../src/ops/app-status.js';
import { FakeManager, entry, health } from '../../helpers/fake-client.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';

const outcomes = (report: Awaited<ReturnType<typeof drain>>) =>
  Object.fromEntries(
    report.apps.flatMap((app) => app.versions.map((v) => [`${app.path}##${v.version}`, v.outcome])),
  );

afterEach(() => {
  vi.useRealTimers();
});

describe('drain', () => {
  it('undeploys drained versions with one list, then one re-check per undeploy', async () => {
    const tomcat = new FakeManager([
      entry('/a', '001'),
      entry('/a', '002', 'running', 1),
      entry('/a', '003'),
      entry('/b', '1'),
    ]);
    const report = await drain(tomcat, { graceMs: 0 });
    expect(outcomes(report)).toEqual({
      '/a##001': 'undeployed',
      '/a##002': 'kept',
      '/a##003': 'kept',
      '/b##1': 'kept',
    });
    expect(tomcat.calls).toEqual(['list', 'list', 'undeploy /a##001']);
    expect(report).toMatchObject({ undeployed: 1, failed: 0, dryRun: false });
  });

  it('changes nothing on a dry run', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const report = await drain(tomcat, { dryRun: true });
    expect(outcomes(report)).toEqual({ '/a##001': 'planned', '/a##002': 'kept' });
    expect(tomcat.calls).toEqual(['list']);
  });

  it('keeps a version that got a session between the plan and the undeploy', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    let lists = 0;
    tomcat.beforeList = (contexts) => {
      if (++lists === 2) contexts[0]!.sessions = 1;
    };
    const report = await drain(tomcat, { graceMs: 0 });
    expect(report.apps[0]!.versions[0]).toMatchObject({
      outcome: 'skipped',
      detail: 'on re-check: draining: 1 session',
    });
    expect(tomcat.changes).toEqual([]);
  });

  it('waits out the grace period once per cycle', async () => {
    vi.useFakeTimers();
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const drained = drain(tomcat, { graceMs: 200 });
    await vi.advanceTimersByTimeAsync(199);
    expect(tomcat.changes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await drained;
    expect(tomcat.changes).toEqual(['undeploy /a##001']);
  });

  it('with a tracker, undeploys only once a version was seen drained for the grace period', async () => {
    vi.useFakeTimers();
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const spec = parseDrainOptions({ graceMs: 150 });
    const context = { signal: undefined, logger: silentLogger, tracker: new DrainTracker() };
    const first = await runDrain(tomcat, spec, context);
    expect(first.apps[0]!.versions[0]).toMatchObject({ outcome: 'waiting', graceLeftMs: 150 });
    expect(tomcat.changes).toEqual([]);
    vi.advanceTimersByTime(149);
    expect((await runDrain(tomcat, spec, context)).apps[0]!.versions[0]).toMatchObject({
      outcome: 'waiting',
      graceLeftMs: 1,
    });
    vi.advanceTimersByTime(1);
    const third = await runDrain(tomcat, spec, context);
    expect(third.undeployed).toBe(1);
    expect(context.tracker.size).toBe(1);
    await runDrain(tomcat, spec, context);
    expect(context.tracker.size).toBe(0);
  });

  it('expires idle sessions first when asked, then undeploys', async () => {
    const tomcat = new FakeManager([entry('/a', '001', 'running', 3), entry('/a', '002')]);
    const report = await drain(tomcat, { graceMs: 0, expireIdleMinutes: 30 });
    expect(tomcat.changes).toEqual(['expire /a##001 idle=30', 'undeploy /a##001']);
    expect(report.apps[0]!.versions[0]).toMatchObject({
      outcome: 'undeployed',
      detail: '3 idle sessions expired',
    });
  });

  it('reports a failed undeploy and goes on with the others', async () => {
    const tomcat = new FakeManager([
      entry('/a', '001'),
      entry('/a', '002'),
      entry('/b', '1'),
      entry('/b', '2'),
    ]);
    tomcat.failNext.set('undeploy', new TomcatFailError('undeploy', 'Unable to delete [x]', 'other'));
    const report = await drain(tomcat, { graceMs: 0 });
    expect(outcomes(report)).toMatchObject({ '/a##001': 'failed', '/b##1': 'undeployed' });
    expect(report.failed).toBe(1);
  });

  it('stops at an abort during the grace period', async () => {
    vi.useFakeTimers();
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const controller = new AbortController();
    const drained = drain(tomcat, { graceMs: 5_000, signal: controller.signal });
    const outcome = expect(drained).rejects.toMatchObject({ code: ErrorCode.aborted });
    await vi.advanceTimersByTimeAsync(20);
    controller.abort();
    await outcome;
    expect(tomcat.changes).toEqual([]);
  });
});

describe('drain with a probe', () => {
  it('a drain probes the apps it changed, and removes a leftover smoke context', async () => {
    const tomcat = new FakeManager([
      entry('/shop', '001'),
      entry('/shop', '002'),
      entry('/shop-smoke-4f2a', ''),
      entry('/other', '001'),
    ]);
    expect(describeApp(tomcat.contexts, '/shop-smoke-4f2a').versions[0]?.role).toBe('smoke');
    const report = await drain(tomcat, { graceMs: 0, probe: health });
    expect(tomcat.changes).toEqual(['undeploy /shop##001', 'undeploy /shop-smoke-4f2a##']);
    expect(report.probes.map((probe) => probe.url)).toEqual(['http://fake.test/shop/health']);
  });
});

describe('a drain that loses the Manager', () => {
  it('stops with E_CONNECT (every later step would fail too), saying what it had undeployed', async () => {
    const tomcat = new FakeManager([
      entry('/a', '001'),
      entry('/a', '002'),
      entry('/b', '1'),
      entry('/b', '2'),
      entry('/c', '1'),
      entry('/c', '2'),
    ]);
    let lists = 0;
    // The initial list, the re-check of /a##001; the re-check of /b##1 finds Tomcat gone.
    tomcat.beforeList = () => {
      lists += 1;
      if (lists === 2)
        tomcat.failNext.set('list', new TomcatPdError(ErrorCode.connect, 'connection refused'));
    };
    const error = (await drain(tomcat, { graceMs: 0 }).catch((e: unknown) => e)) as TomcatPdError;
    expect(error).toBeInstanceOf(TomcatPdError);
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toMatch(/connection refused.*stopped there; it had undeployed \/a##001\./);
    expect(error.hint).toMatch(/Run drain again/);
    // Nothing after the loss was tried (a refusal by Tomcat, above, does not stop it).
    expect(tomcat.changes).toEqual(['undeploy /a##001']);
  });
});
