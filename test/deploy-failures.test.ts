import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deploy, getStatus, type TomcatPdError } from '@tomcat-pd/core';
import { buildCorruptWar, buildFailingWar, buildTestWar } from './harness/test-war.js';
import { Visitor } from './harness/visitor.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();

const versionsOf = async (path: string) =>
  (await getStatus(fixture.client, { path })).apps[0]?.versions.map((v) => [v.version, v.state]);

describe('failed deploys against a real Tomcat', () => {
  it('refuses a file that is not a zip before sending it', async () => {
    const { client, warDir } = fixture;
    await expect(
      deploy(client, { path: '/junk', warFile: await buildCorruptWar(warDir) }),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/not a zip/),
    });
    expect(await versionsOf('/junk')).toEqual([]);
  });

  it('undeploys a truncated WAR that failed to start; the previous version keeps serving', async () => {
    const { client, tomcat, warDir } = fixture;
    const good = await buildTestWar(warDir, { label: 'ok', fileName: 'ok.war' });
    await deploy(client, { path: '/bad', warFile: good });
    // A zip cut in half still starts like one, so only Tomcat finds out: it cannot expand it.
    const bytes = await readFile(good);
    const truncated = join(warDir, 'truncated.war');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = (await deploy(client, { path: '/bad', warFile: truncated }).catch(
      (e: unknown) => e,
    )) as TomcatPdError;
    expect(error).toMatchObject({ code: 'E_TOMCAT_FAIL', kind: 'failed-to-start' });
    expect(error.message).toContain('[/bad##002] but context failed to start');
    expect(error.hint).toMatch(/undeployed\. Version 001 keeps serving/);
    expect(await versionsOf('/bad')).toEqual([['001', 'running']]);
    expect(await new Visitor(tomcat.baseUrl).get('/bad/')).toMatchObject({ label: 'ok', version: '001' });
  });

  it('undeploys a valid WAR whose context fails to start', async () => {
    const { client, warDir } = fixture;
    await deploy(client, {
      path: '/lsn',
      warFile: await buildTestWar(warDir, { label: 'ok', fileName: 'lsn.war' }),
    });
    await expect(
      deploy(client, { path: '/lsn', warFile: await buildFailingWar(warDir, 'broken') }),
    ).rejects.toMatchObject({ kind: 'failed-to-start' });
    expect(await versionsOf('/lsn')).toEqual([['001', 'running']]);
  });

  it('refuses to overwrite an existing version, and replaces it only with update', async () => {
    const { client, tomcat, warDir } = fixture;
    const war = await buildTestWar(warDir, { label: 'first', fileName: 'ex1.war' });
    await deploy(client, { path: '/ex', warFile: war, version: '005' });
    const replacement = await buildTestWar(warDir, { label: 'second', fileName: 'ex2.war' });
    await expect(deploy(client, { path: '/ex', warFile: replacement, version: '005' })).rejects.toMatchObject(
      {
        code: 'E_UNSAFE',
        rule: 'no-overwrite',
      },
    );
    expect(await new Visitor(tomcat.baseUrl).get('/ex/')).toMatchObject({ label: 'first' });
    await deploy(client, { path: '/ex', warFile: replacement, version: '005', update: true });
    expect(await new Visitor(tomcat.baseUrl).get('/ex/')).toMatchObject({ label: 'second', version: '005' });
  });
});
