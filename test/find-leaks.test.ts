import { describe, expect, it } from 'vitest';
import { findLeaksAfter } from '@tomcat-pd/core';
import { buildLeakyWar, buildTidyWar } from '@tomcat-pd/testkit/leak-wars';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { useTomcat } from './support.js';

// Tomcat's findleaks (docs/tomcat-manager.md#findleaks) on a real Tomcat: a WAR whose listener
// leaves a thread running holds its class loader after the undeploy, one that stops its thread
// does not. The Tomcat is this file's own, so nothing leaked before the first test.

const fixture = useTomcat();

describe('findleaks against a real Tomcat', () => {
  it('a fresh Tomcat has no leaks', async () => {
    expect(await fixture.client.findLeaks()).toEqual({ leakedPaths: [] });
  });

  it('names the leaky app after both are undeployed, not the tidy one; the report ties it to 001', async () => {
    const { client, tomcat, warDir } = fixture;
    const leaky = await buildLeakyWar(warDir, { label: 'leaky' });
    const tidy = await buildTidyWar(warDir, { label: 'tidy' });
    await client.deploy({ path: '/leaky', version: '001', warFile: leaky });
    await client.deploy({ path: '/tidy', version: '001', warFile: tidy });
    // Both started, listener and all: each serves the test page.
    const visitor = new Visitor(tomcat.baseUrl);
    expect(await visitor.get('/leaky/')).toMatchObject({ label: 'leaky', version: '001' });
    expect(await visitor.get('/tidy/')).toMatchObject({ label: 'tidy', version: '001' });

    await client.undeploy({ path: '/tidy', version: '001' });
    // The tidy app stopped its thread: nothing holds its class loader.
    expect(await client.findLeaks()).toEqual({ leakedPaths: [] });

    await client.undeploy({ path: '/leaky', version: '001' });
    const { leakedPaths } = await client.findLeaks();
    expect(leakedPaths).toContain('/leaky');
    expect(leakedPaths).not.toContain('/tidy');
    expect(leakedPaths).toEqual(['/leaky']);

    const report = await findLeaksAfter(client, {
      undeployed: [
        { path: '/leaky', version: '001' },
        { path: '/tidy', version: '001' },
      ],
    });
    expect(report).toEqual({
      target: client.name,
      leaks: [{ path: '/leaky', undeployedNow: ['001'] }],
    });
  });

  it('a leak stays: a later report names it again, with nothing undeployed now', async () => {
    const report = await findLeaksAfter(fixture.client, { undeployed: [] });
    expect(report.leaks).toEqual([{ path: '/leaky', undeployedNow: [] }]);
  });
});
