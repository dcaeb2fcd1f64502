import { describe, expect, it } from 'vitest';
import { deploy, getStatus, type TomcatPdError } from '@tomcat-pd/core';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { expectSessionsKept, openSessions, sessionChanges, sessionsByVersion } from './session-counts.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();

describe('paths and versions against a real Tomcat', () => {
  it('deploys versions of ROOT and of a nested path', async () => {
    const { client, tomcat, warDir } = fixture;
    const root = await deploy(client, {
      path: '/',
      warFile: await buildTestWar(warDir, { label: 'root', fileName: 'r.war' }),
    });
    expect(root).toMatchObject({ version: '001', displayName: '/##001' });
    expect(await new Visitor(tomcat.baseUrl).get('/')).toMatchObject({ label: 'root', version: '001' });

    const nested = await deploy(client, {
      path: '/a/b',
      warFile: await buildTestWar(warDir, { label: 'ab', fileName: 'ab.war' }),
    });
    expect(nested).toMatchObject({ version: '001', displayName: '/a/b##001' });
    expect(await new Visitor(tomcat.baseUrl).get('/a/b/')).toMatchObject({ label: 'ab', version: '001' });

    const status = await getStatus(client);
    const paths = status.apps.map((app) => [app.path, app.live]);
    expect(paths).toContainEqual(['/', '001']);
    expect(paths).toContainEqual(['/a/b', '001']);
  });

  it('goes from 009 to 010, which is live', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/nine',
      version: '009',
      warFile: await buildTestWar(warDir, { label: 'nine', fileName: 'n9.war' }),
    });
    const onNine = await openSessions(tomcat.baseUrl, '/nine', 2, '009');
    const counted = await sessionsByVersion(client, '/nine');
    const next = await deploy(client, {
      path: '/nine',
      warFile: await buildTestWar(warDir, { label: 'ten', fileName: 'n10.war' }),
    });
    expect(next).toMatchObject({ version: '010', live: '010', previousLive: '009' });
    // 009's sessions stay on 009: 010 sorts above it for Tomcat too, and a deploy loses none.
    expect(next.olderVersions).toEqual([{ version: '009', sessions: 2 }]);
    expect(sessionChanges(counted, await sessionsByVersion(client, '/nine'))).toEqual({});
    await expectSessionsKept(onNine);
    expect(await new Visitor(tomcat.baseUrl).get('/nine/')).toMatchObject({ label: 'ten', version: '010' });
  });

  it('refuses 999 -> 1000 with an explanation, uploading nothing', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/max',
      version: '999',
      warFile: await buildTestWar(warDir, { label: 'max', fileName: 'm.war' }),
    });
    const holders = await openSessions(tomcat.baseUrl, '/max', 2, '999');
    const counted = await sessionsByVersion(client, '/max');
    const error = (await deploy(client, {
      path: '/max',
      warFile: await buildTestWar(warDir, { label: 'over', fileName: 'o.war' }),
    }).catch((e: unknown) => e)) as TomcatPdError;
    expect(error).toMatchObject({ code: 'E_UNSAFE', rule: 'ordering-invariant' });
    expect(error.message).toMatch(/1000.*999/s);
    expect(error.hint).toMatch(/r0001/);
    expect((await getStatus(client, { path: '/max' })).apps[0]?.versions.map((v) => v.version)).toEqual([
      '999',
    ]);
    // The refused deploy loses no session of 999.
    expect(sessionChanges(counted, await sessionsByVersion(client, '/max'))).toEqual({});
    await expectSessionsKept(holders);
  });
});
