import { describe, expect, it } from 'vitest';
import { rollback } from '../../../src/ops/rollback/rollback.js';
import { FakeManager, entry, health } from '../../helpers/fake-client.js';

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

describe('rollback with a probe', () => {
  it('a rollback whose restored version answers 500 says so in its probes, and stays done', async () => {
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002')]);
    tomcat.answerVisit = () => ({ status: 500, body: 'still broken' });
    const result = await rollback(tomcat, { path: '/shop', probe: health });
    expect(result.probes).toEqual([
      expect.objectContaining({ phase: 'after', version: '001', ok: false, status: 500 }),
    ]);
    expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });
});
