import { describe, expect, it } from 'vitest';
import { deploy, drain, getStatus } from '@tomcat-pd/core';
import { buildTestWar } from './harness/test-war.js';
import { Visitor } from './harness/visitor.js';
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
    expect(await holder.get('/dr/')).toMatchObject({ version: '001' });
    await deploy(client, {
      path: '/dr',
      warFile: await buildTestWar(warDir, { label: 'two', fileName: 'd2.war' }),
    });

    const planned = await drain(client, { path: '/dr', dryRun: true });
    expect(planned.apps[0]?.versions.map((v) => [v.version, v.action, v.reason])).toEqual([
      ['001', 'keep', 'draining: 1 session'],
      ['002', 'keep', 'live'],
    ]);

    const kept = await drain(client, { path: '/dr', graceMs: 0 });
    expect(kept.undeployed).toBe(0);
    expect(await holder.get('/dr/')).toMatchObject({ version: '001' });

    const expired = await drain(client, { path: '/dr', graceMs: 200, expireIdleMinutes: 0 });
    expect(expired.apps[0]?.versions[0]).toMatchObject({ version: '001', outcome: 'undeployed' });
    const status = await getStatus(client, { path: '/dr' });
    expect(status.apps[0]?.versions.map((v) => v.version)).toEqual(['002']);
    // The old cookie now reaches the live version, with a new session.
    expect(await holder.get('/dr/')).toMatchObject({ version: '002' });
  });

  it('undeploys a drained version and spares the ones kept for rollback', async () => {
    const { client, warDir } = fixture;
    for (const label of ['a', 'b', 'c']) {
      await deploy(client, {
        path: '/keep',
        warFile: await buildTestWar(warDir, { label, fileName: `k-${label}.war` }),
      });
    }
    const report = await drain(client, { path: '/keep', keep: 1, graceMs: 0 });
    expect(report.apps[0]?.versions.map((v) => [v.version, v.outcome])).toEqual([
      ['001', 'undeployed'],
      ['002', 'kept'],
      ['003', 'kept'],
    ]);
  });
});
