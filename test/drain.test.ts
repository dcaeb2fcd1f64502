import { describe, expect, it } from 'vitest';
import { deploy, drain, getStatus } from '@tomcat-pd/core';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  expectSessionsKept,
  openSession,
  openSessions,
  sessionChanges,
  sessionsByVersion,
  type SessionHolder,
} from './session-counts.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();

describe('drain against a real Tomcat', () => {
  it('keeps 001 while its session lives, and removes it once the session is expired', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/dr',
      warFile: await buildTestWar(warDir, { label: 'one', fileName: 'd1.war' }),
    });
    const holder = new Visitor(tomcat.baseUrl);
    const opened = await holder.get('/dr/');
    expect(opened).toMatchObject({ version: '001' });
    await deploy(client, {
      path: '/dr',
      warFile: await buildTestWar(warDir, { label: 'two', fileName: 'd2.war' }),
    });
    // Two sessions on the live version, which no drain may touch.
    const onLive = await openSessions(tomcat.baseUrl, '/dr', 2, '002');
    const counted = await sessionsByVersion(client, '/dr');
    expect(counted).toEqual({ '001': 1, '002': 2 });

    const planned = await drain(client, { path: '/dr', dryRun: true });
    expect(planned.apps[0]?.versions.map((v) => [v.version, v.action, v.reason])).toEqual([
      ['001', 'keep', 'draining: 1 session'],
      ['002', 'keep', 'live'],
    ]);
    expect(sessionChanges(counted, await sessionsByVersion(client, '/dr'))).toEqual({});

    const kept = await drain(client, { path: '/dr', graceMs: 0 });
    expect(kept.undeployed).toBe(0);
    // A drain without --expire-idle changes no count, and every session stays where it was.
    expect(sessionChanges(counted, await sessionsByVersion(client, '/dr'))).toEqual({});
    expect(await holder.get('/dr/')).toMatchObject({ version: '001', sessionId: opened.sessionId });
    await expectSessionsKept(onLive);

    // --expire-idle 1 expires only sessions idle for a minute or more: these were just used, so
    // none goes, and 001, still holding one, is not undeployed.
    const notIdle = await drain(client, { path: '/dr', graceMs: 0, expireIdleMinutes: 1 });
    expect(notIdle.apps[0]?.versions[0]).toMatchObject({ version: '001', outcome: 'skipped' });
    expect(notIdle.undeployed).toBe(0);
    expect(sessionChanges(counted, await sessionsByVersion(client, '/dr'))).toEqual({});
    expect(await holder.get('/dr/')).toMatchObject({ version: '001', sessionId: opened.sessionId });
    await expectSessionsKept(onLive);

    const expired = await drain(client, { path: '/dr', graceMs: 200, expireIdleMinutes: 0 });
    expect(expired.apps[0]?.versions[0]).toMatchObject({ version: '001', outcome: 'undeployed' });
    // Exactly the idle sessions of 001 went (the user asked for it); the live version's stayed.
    expect(expired.apps[0]?.versions[0]?.detail).toBe('1 idle session expired');
    expect(sessionChanges(counted, await sessionsByVersion(client, '/dr'))).toEqual({ '001': -1 });
    await expectSessionsKept(onLive);
    const status = await getStatus(client, { path: '/dr' });
    expect(status.apps[0]?.versions.map((v) => v.version)).toEqual(['002']);
    // The old cookie now reaches the live version, with a new session.
    expect(await holder.get('/dr/')).toMatchObject({ version: '002' });
  });

  it('undeploys a drained version and spares the ones kept for rollback', async () => {
    const { client, tomcat, warDir } = fixture;
    // 001 has no session (so it is drained); 002, kept for rollback, and 003, live, have one each.
    const holders: SessionHolder[] = [];
    for (const label of ['a', 'b', 'c']) {
      await deploy(client, {
        path: '/keep',
        warFile: await buildTestWar(warDir, { label, fileName: `k-${label}.war` }),
      });
      if (label !== 'a') holders.push(await openSession(tomcat.baseUrl, '/keep'));
    }
    const counted = await sessionsByVersion(client, '/keep');
    expect(counted).toEqual({ '001': 0, '002': 1, '003': 1 });
    const report = await drain(client, { path: '/keep', keep: 1, graceMs: 0 });
    expect(report.apps[0]?.versions.map((v) => [v.version, v.outcome])).toEqual([
      ['001', 'undeployed'],
      ['002', 'kept'],
      ['003', 'kept'],
    ]);
    expect(sessionChanges(counted, await sessionsByVersion(client, '/keep'))).toEqual({});
    await expectSessionsKept(holders);

    // --expire-idle never touches a version kept for rollback, nor the live one.
    const again = await drain(client, { path: '/keep', keep: 1, graceMs: 0, expireIdleMinutes: 0 });
    expect(again.apps[0]?.versions.map((v) => [v.version, v.action, v.outcome])).toEqual([
      ['002', 'keep', 'kept'],
      ['003', 'keep', 'kept'],
    ]);
    expect(sessionChanges(counted, await sessionsByVersion(client, '/keep'))).toEqual({});
    await expectSessionsKept(holders);
  });
});
