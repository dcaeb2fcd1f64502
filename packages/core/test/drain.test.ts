import { describe, expect, it } from 'vitest';
import { drain } from '../src/ops/drain/drain.js';
import { DrainTracker } from '../src/ops/drain/drain-tracker.js';
import { ErrorCode, TomcatFailError } from '../src/errors/errors.js';
import { FakeManager, entry } from './helpers/fake-client.js';

const outcomes = (report: Awaited<ReturnType<typeof drain>>) =>
  Object.fromEntries(
    report.apps.flatMap((app) => app.versions.map((v) => [`${app.path}##${v.version}`, v.outcome])),
  );

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
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const started = Date.now();
    await drain(tomcat, { graceMs: 200 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(tomcat.changes).toEqual(['undeploy /a##001']);
  });

  it('with a tracker, undeploys only once a version was seen drained for the grace period', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const tracker = new DrainTracker();
    const first = await drain(tomcat, { graceMs: 150, tracker });
    expect(first.apps[0]!.versions[0]).toMatchObject({ outcome: 'waiting' });
    expect(tomcat.changes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 160));
    const second = await drain(tomcat, { graceMs: 150, tracker });
    expect(second.undeployed).toBe(1);
    expect(tracker.size).toBe(1);
    await drain(tomcat, { graceMs: 150, tracker });
    expect(tracker.size).toBe(0);
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

  it('stops at an abort', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(drain(tomcat, { graceMs: 5_000, signal: controller.signal })).rejects.toMatchObject({
      code: ErrorCode.aborted,
    });
    expect(tomcat.changes).toEqual([]);
  });
});
