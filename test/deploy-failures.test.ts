import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploy, getStatus, type TomcatPdError } from '@tomcat-pd/core';
import { buildCorruptWar, buildFailingWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  expectSessionsKept,
  expectSessionsLost,
  openSessions,
  sessionChanges,
  sessionsByVersion,
} from './session-counts.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();

const versionsOf = async (path: string) =>
  (await getStatus(fixture.client, { path })).apps[0]?.versions.map((v) => [v.version, v.state]);

describe('failed deploys against a real Tomcat', () => {
  it('refuses a file that is not a zip before sending it', async () => {
    const { client, tomcat, warDir } = fixture;
    await expect(
      deploy(client, { path: '/junk', warFile: await buildCorruptWar(warDir) }),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/not a zip/),
    });
    expect(await versionsOf('/junk')).toEqual([]);

    // Once a version runs and holds sessions, the refused file loses none of them.
    await deploy(client, {
      path: '/junk',
      warFile: await buildTestWar(warDir, { label: 'ok', fileName: 'junk-ok.war' }),
    });
    const holders = await openSessions(tomcat.baseUrl, '/junk', 2, '001');
    const counted = await sessionsByVersion(client, '/junk');
    await expect(
      deploy(client, { path: '/junk', warFile: await buildCorruptWar(warDir, 'corrupt2.war') }),
    ).rejects.toMatchObject({ code: 'E_USAGE' });
    expect(await versionsOf('/junk')).toEqual([['001', 'running']]);
    expect(sessionChanges(counted, await sessionsByVersion(client, '/junk'))).toEqual({});
    await expectSessionsKept(holders);
  });

  it('refuses a truncated WAR before sending it; the previous version keeps serving', async () => {
    const { client, tomcat, warDir } = fixture;
    const good = await buildTestWar(warDir, { label: 'ok', fileName: 'ok.war' });
    await deploy(client, { path: '/bad', warFile: good });
    const holders = await openSessions(tomcat.baseUrl, '/bad', 2, '001');
    const counted = await sessionsByVersion(client, '/bad');
    // A zip cut in half still starts like one; its missing central directory gives it away.
    const bytes = await readFile(good);
    const truncated = join(warDir, 'truncated.war');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = (await deploy(client, { path: '/bad', warFile: truncated }).catch(
      (e: unknown) => e,
    )) as TomcatPdError;
    expect(error).toMatchObject({ code: 'E_USAGE', message: expect.stringMatching(/damaged zip/) });
    expect(await versionsOf('/bad')).toEqual([['001', 'running']]);
    // Version 001 keeps its sessions too, each with its id.
    expect(sessionChanges(counted, await sessionsByVersion(client, '/bad'))).toEqual({});
    await expectSessionsKept(holders);
    expect(await new Visitor(tomcat.baseUrl).get('/bad/')).toMatchObject({ label: 'ok', version: '001' });
  });

  it('undeploys a valid WAR whose context fails to start', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/lsn',
      warFile: await buildTestWar(warDir, { label: 'ok', fileName: 'lsn.war' }),
    });
    const holders = await openSessions(tomcat.baseUrl, '/lsn', 2, '001');
    const counted = await sessionsByVersion(client, '/lsn');
    const error = (await deploy(client, {
      path: '/lsn',
      warFile: await buildFailingWar(warDir, 'broken'),
    }).catch((e: unknown) => e)) as TomcatPdError;
    // Tomcat keeps the stopped context (`FAIL - ... but context failed to start`): it is undeployed.
    expect(error).toMatchObject({ code: 'E_TOMCAT_FAIL', kind: 'failed-to-start' });
    expect(error.message).toContain('[/lsn##002] but context failed to start');
    expect(error.hint).toMatch(/undeployed\. Version 001 keeps serving/);
    expect(await versionsOf('/lsn')).toEqual([['001', 'running']]);
    expect(sessionChanges(counted, await sessionsByVersion(client, '/lsn'))).toEqual({});
    await expectSessionsKept(holders);
  });

  it('refuses to overwrite an existing version, and replaces it only with update', async () => {
    const { client, tomcat, warDir } = fixture;
    const war = await buildTestWar(warDir, { label: 'first', fileName: 'ex1.war' });
    await deploy(client, { path: '/ex', warFile: war, version: '005' });
    const holders = await openSessions(tomcat.baseUrl, '/ex', 2, '005');
    const counted = await sessionsByVersion(client, '/ex');
    const replacement = await buildTestWar(warDir, { label: 'second', fileName: 'ex2.war' });
    await expect(deploy(client, { path: '/ex', warFile: replacement, version: '005' })).rejects.toMatchObject(
      {
        code: 'E_UNSAFE',
        rule: 'no-overwrite',
      },
    );
    // The refused overwrite loses no session of 005.
    expect(sessionChanges(counted, await sessionsByVersion(client, '/ex'))).toEqual({});
    await expectSessionsKept(holders);
    expect(await new Visitor(tomcat.baseUrl).get('/ex/')).toMatchObject({ label: 'first' });
    const beforeUpdate = await sessionsByVersion(client, '/ex');
    expect(beforeUpdate).toEqual({ '005': 3 });
    await deploy(client, { path: '/ex', warFile: replacement, version: '005', update: true });
    // --update was asked for, and it costs every session of the version it replaces (as its hint says).
    expect(sessionChanges(beforeUpdate, await sessionsByVersion(client, '/ex'))).toEqual({ '005': -3 });
    await expectSessionsLost(holders, '005');
    expect(await new Visitor(tomcat.baseUrl).get('/ex/')).toMatchObject({ label: 'second', version: '005' });
  });
});
