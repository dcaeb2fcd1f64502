import { describe, expect, it } from 'vitest';
import { deploy, getStatus, rollback } from '@tomcat-pd/core';
import { buildTestWar } from './harness/test-war.js';
import { Visitor } from './harness/visitor.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();

describe('rollback against a real Tomcat', () => {
  it('refuses while only one version runs, then falls back to the previous version', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/rb',
      warFile: await buildTestWar(warDir, { label: 'good', fileName: 'good.war' }),
    });
    await expect(rollback(client, { path: '/rb' })).rejects.toMatchObject({
      code: 'E_UNSAFE',
      rule: 'no-older-running-version',
    });

    await deploy(client, {
      path: '/rb',
      warFile: await buildTestWar(warDir, { label: 'bad', fileName: 'bad.war' }),
    });
    expect(await new Visitor(tomcat.baseUrl).get('/rb/')).toMatchObject({ label: 'bad', version: '002' });

    const result = await rollback(client, { path: '/rb' });
    expect(result).toMatchObject({ from: '002', live: '001', action: 'undeployed', versions: ['002'] });
    expect(await new Visitor(tomcat.baseUrl).get('/rb/')).toMatchObject({ label: 'good', version: '001' });
    const status = await getStatus(client, { path: '/rb' });
    expect(status.apps[0]?.versions.map((v) => v.version)).toEqual(['001']);
  });

  it('stops instead of undeploying with stop, keeping the WAR for a roll-forward', async () => {
    const { client, tomcat, warDir } = fixture;
    for (const label of ['s1', 's2']) {
      await deploy(client, {
        path: '/rs',
        warFile: await buildTestWar(warDir, { label, fileName: `${label}.war` }),
      });
    }
    const result = await rollback(client, { path: '/rs', stop: true });
    expect(result).toMatchObject({ live: '001', action: 'stopped' });
    expect(result.warnings.join(' ')).toMatch(/restart/);
    expect(await new Visitor(tomcat.baseUrl).get('/rs/')).toMatchObject({ version: '001' });
    const status = await getStatus(client, { path: '/rs' });
    expect(status.apps[0]?.versions.map((v) => [v.version, v.role])).toEqual([
      ['001', 'live'],
      ['002', 'stopped'],
    ]);
  });
});
