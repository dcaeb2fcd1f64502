import { describe, expect, it } from 'vitest';
import { rollback } from '../../../src/ops/rollback/rollback.js';
import { undeployVersion } from '../../../src/ops/undeploy/undeploy.js';
import { FakeManager, entry } from '../../helpers/fake-client.js';

describe('rollback', () => {
  it('undeploys the versions above the target, the live one last, and reports lost sessions', async () => {
    const tomcat = new FakeManager([
      entry('/a', '001'),
      entry('/a', '002', 'running', 2),
      entry('/a', '003', 'running', 4),
    ]);
    const result = await rollback(tomcat, { path: '/a', to: '001' });
    expect(tomcat.changes).toEqual(['undeploy /a##002', 'undeploy /a##003']);
    expect(result).toMatchObject({
      from: '003',
      live: '001',
      action: 'undeployed',
      sessionsLost: 6,
      warnings: [],
    });
  });

  it('stops instead when asked, and warns that a restart revives the stopped version', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002')]);
    const result = await rollback(tomcat, { path: '/a', stop: true });
    expect(tomcat.changes).toEqual(['stop /a##002']);
    expect(result.warnings[0]).toMatch(/restart/);
  });

  it('refuses, changing nothing, when no older version runs', async () => {
    const tomcat = new FakeManager([entry('/a', '001', 'stopped'), entry('/a', '002')]);
    await expect(rollback(tomcat, { path: '/a' })).rejects.toMatchObject({ code: 'E_UNSAFE' });
    expect(tomcat.changes).toEqual([]);
  });
});

describe('undeployVersion', () => {
  it('refuses the live version unless forced', async () => {
    const tomcat = new FakeManager([entry('/a', '001'), entry('/a', '002', 'running', 1)]);
    await expect(undeployVersion(tomcat, { path: '/a', version: '002' })).rejects.toMatchObject({
      rule: 'live-version',
    });
    expect(tomcat.changes).toEqual([]);
    const result = await undeployVersion(tomcat, { path: '/a', version: '002', force: true });
    expect(result).toMatchObject({ wasLive: true, sessionsLost: 1 });
  });

  it('says when the version is not deployed', async () => {
    const tomcat = new FakeManager([entry('/a', '001')]);
    await expect(undeployVersion(tomcat, { path: '/a', version: '009' })).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
  });
});
