import { describe, expect, it } from 'vitest';
import { deploy, getSessions, getStatus } from '@tomcat-pd/core';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { sessionChanges, sessionsByVersion } from './session-counts.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();

describe('parallel deployment walkthrough against a real Tomcat', () => {
  it('keeps an existing session on 001 while new visitors get 002', async () => {
    const { client, tomcat, warDir } = fixture;
    const v1 = await buildTestWar(warDir, { label: 'one', fileName: 'one.war' });
    const v2 = await buildTestWar(warDir, { label: 'two', fileName: 'two.war' });

    const first = await deploy(client, { path: '/seed', warFile: v1 });
    expect(first).toMatchObject({ version: '001', live: '001', previousLive: undefined });

    const early = new Visitor(tomcat.baseUrl);
    const before = await early.get('/seed/');
    expect(before).toMatchObject({ status: 200, label: 'one', version: '001' });

    const progress: string[] = [];
    const second = await deploy(client, {
      path: '/seed',
      warFile: v2,
      onProgress: (event) => progress.push(event.phase),
    });
    expect(second).toMatchObject({
      version: '002',
      previousLive: '001',
      olderVersions: [{ version: '001', sessions: 1 }],
    });
    expect(progress).toContain('uploading');
    expect(progress.at(-1)).toBe('starting');

    const again = await early.get('/seed/');
    expect(again).toMatchObject({ label: 'one', version: '001', sessionId: before.sessionId });
    const late = new Visitor(tomcat.baseUrl);
    const newcomer = await late.get('/seed/');
    expect(newcomer).toMatchObject({ label: 'two', version: '002' });

    const status = await getStatus(client, { path: '/seed' });
    expect(status.apps[0]?.versions.map((v) => [v.version, v.role, v.sessions])).toEqual([
      ['001', 'draining', 1],
      ['002', 'live', 1],
    ]);

    // A sessions read is only a read: the counts are the same afterwards.
    const counted = await sessionsByVersion(client, '/seed');
    const sessions = await getSessions(client, { path: '/seed' });
    expect(sessions.versions.map((v) => [v.version, v.sessions.total])).toEqual([
      ['001', 1],
      ['002', 1],
    ]);
    expect(sessions.versions[0]?.sessions.buckets[0]).toMatchObject({ label: '<1', count: 1 });
    const after = await getStatus(client, { path: '/seed' });
    expect(after.apps[0]?.versions.map((v) => v.sessions)).toEqual([1, 1]);
    expect(sessionChanges(counted, await sessionsByVersion(client, '/seed'))).toEqual({});
    // And both sessions are still the same ones, each on its version.
    expect(await early.get('/seed/')).toMatchObject({ version: '001', sessionId: before.sessionId });
    expect(await late.get('/seed/')).toMatchObject({ version: '002', sessionId: newcomer.sessionId });
  });
});
