import { describe, expect, it } from 'vitest';
import { undeployVersion } from '../../../src/ops/undeploy/undeploy.js';
import { FakeManager, entry, health } from '../../helpers/fake-client.js';

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

describe('undeployVersion with a probe', () => {
  it('an undeploy that leaves no version running fails its probe at once, without a request', async () => {
    const tomcat = new FakeManager([entry('/shop', '001')]);
    let visits = 0;
    tomcat.answerVisit = () => {
      visits += 1;
      return { status: 404, body: '' };
    };
    const result = await undeployVersion(tomcat, {
      path: '/shop',
      version: '001',
      force: true,
      probe: health,
    });
    expect(result.probes).toEqual([
      expect.objectContaining({
        phase: 'after',
        ok: false,
        status: null,
        url: 'http://fake.test/shop/health',
      }),
    ]);
    expect(result.probes[0]).not.toHaveProperty('version');
    expect(visits).toBe(0);
  });

  it('an undeploy checks what is live afterwards', async () => {
    const tomcat = new FakeManager([entry('/shop', '001'), entry('/shop', '002')]);
    const result = await undeployVersion(tomcat, { path: '/shop', version: '001', probe: health });
    expect(result.probes).toEqual([expect.objectContaining({ phase: 'after', ok: true })]);
  });
});
