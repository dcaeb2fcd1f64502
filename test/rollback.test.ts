import { describe, expect, it } from 'vitest';
import { deploy, getStatus, rollback } from '@tomcat-pd/core';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  expectSessionsKept,
  expectSessionsLost,
  openSession,
  openSessions,
  sessionChanges,
  sessionsByVersion,
  sessionsLost,
  type SessionHolder,
} from './session-counts.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();

describe('rollback against a real Tomcat', () => {
  it('refuses while only one version runs, then falls back to the previous version', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/rb',
      warFile: await buildTestWar(warDir, { label: 'good', fileName: 'good.war' }),
    });
    const onGood = await openSessions(tomcat.baseUrl, '/rb', 2, '001');
    const beforeRefusal = await sessionsByVersion(client, '/rb');
    await expect(rollback(client, { path: '/rb' })).rejects.toMatchObject({
      code: 'E_UNSAFE',
      rule: 'no-older-running-version',
    });
    // A refused rollback loses nothing.
    expect(sessionChanges(beforeRefusal, await sessionsByVersion(client, '/rb'))).toEqual({});
    await expectSessionsKept(onGood);

    await deploy(client, {
      path: '/rb',
      warFile: await buildTestWar(warDir, { label: 'bad', fileName: 'bad.war' }),
    });
    expect(await new Visitor(tomcat.baseUrl).get('/rb/')).toMatchObject({ label: 'bad', version: '002' });
    const onBad = await openSession(tomcat.baseUrl, '/rb', '002');
    const counted = await sessionsByVersion(client, '/rb');
    expect(counted).toEqual({ '001': 2, '002': 2 });

    const result = await rollback(client, { path: '/rb' });
    expect(result).toMatchObject({ from: '002', live: '001', action: 'undeployed', versions: ['002'] });
    // Exactly the sessions of the removed version are lost, as reported; 001 keeps all of its own.
    const after = await sessionsByVersion(client, '/rb');
    expect(sessionChanges(counted, after)).toEqual({ '002': -2 });
    expect(result.sessionsLost).toBe(sessionsLost(counted, after));
    await expectSessionsKept(onGood);
    await expectSessionsLost([onBad], '001');
    expect(await new Visitor(tomcat.baseUrl).get('/rb/')).toMatchObject({ label: 'good', version: '001' });
    const status = await getStatus(client, { path: '/rb' });
    expect(status.apps[0]?.versions.map((v) => v.version)).toEqual(['001']);
  });

  it('stops instead of undeploying with stop, keeping the WAR for a roll-forward', async () => {
    const { client, tomcat, warDir } = fixture;
    const holders: SessionHolder[] = [];
    for (const label of ['s1', 's2']) {
      await deploy(client, {
        path: '/rs',
        warFile: await buildTestWar(warDir, { label, fileName: `${label}.war` }),
      });
      holders.push(await openSession(tomcat.baseUrl, '/rs'));
    }
    const [onOld, onNew] = holders;
    const counted = await sessionsByVersion(client, '/rs');
    expect(counted).toEqual({ '001': 1, '002': 1 });
    const result = await rollback(client, { path: '/rs', stop: true });
    expect(result).toMatchObject({ live: '001', action: 'stopped' });
    expect(result.warnings.join(' ')).toMatch(/restart/);
    // A stopped version holds no sessions: those of 002 are lost, as reported; 001's are kept.
    const after = await sessionsByVersion(client, '/rs');
    expect(sessionChanges(counted, after)).toEqual({ '002': -1 });
    expect(result.sessionsLost).toBe(sessionsLost(counted, after));
    await expectSessionsKept([onOld!]);
    await expectSessionsLost([onNew!], '001');
    expect(await new Visitor(tomcat.baseUrl).get('/rs/')).toMatchObject({ version: '001' });
    const status = await getStatus(client, { path: '/rs' });
    expect(status.apps[0]?.versions.map((v) => [v.version, v.role])).toEqual([
      ['001', 'live'],
      ['002', 'stopped'],
    ]);
  });
});
