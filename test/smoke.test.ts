import { getStatus } from '@tomcat-pd/core';
import { describe, expect, it } from 'vitest';
import { collect, connection, expectExit, jsonOf, spawnCli } from './cli-helpers.js';

import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  errorOf,
  expectOnly,
  keepVisiting,
  probesOfError,
  smokeContexts,
  summary,
  timed,
  type DeployDocument,
  type StatusDocument,
  probeSuite,
} from './probe-support.js';
import { expectSessionsKept, sessionsByVersion, sessionsLost } from './session-counts.js';
import { useTomcat } from './support.js';

// `deploy --smoke PATH` (issue 11): before the real deploy, the WAR is deployed under a temporary
// context `/<app>-smoke-<4 hex>`, probed there and undeployed; only then does the real version go
// live. A failed smoke test leaves nothing: no new version under the app's path (no visitor ever
// gets it), no temporary context. Each test uses its own path.

const fixture = useTomcat();
const { cli, healthWar, versionsOf, liveWithSessions } = probeSuite(fixture);

/** The smoke contexts on the Tomcat, from `tomcat-pd status --json` (every app). */
async function smokeContextsNow(): Promise<string[]> {
  return smokeContexts(jsonOf<StatusDocument>(await cli(['status', '--json'])));
}

/** `http://host:port/<smoke context of path>/health`, as a pattern (the 4 hex digits are random). */
function smokeUrl(path: string, probe = '/health'): RegExp {
  const base = (path === '/' ? '/ROOT' : path).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const origin = fixture.tomcat.baseUrl.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^${origin}${base}-smoke-[0-9a-f]{4}${probe}$`);
}

describe('deploy --smoke', () => {
  it('a healthy WAR passes its smoke test under a temporary path, then goes live and passes its probe', async () => {
    const document = jsonOf<DeployDocument>(
      await cli([
        'deploy',
        await healthWar('fine', 'ok'),
        '--path',
        '/sok',
        '--smoke',
        '/health',
        '--probe',
        '/health',
        '--expect',
        'healthy fine',
        '--json',
      ]),
    );
    expect(document).toMatchObject({ path: '/sok', version: '001' });
    const [smoke, live, ...more] = document.probes;
    expect(more).toEqual([]);
    expect(smoke).toMatchObject({ phase: 'smoke', status: 200, ok: true, target: fixture.tomcat.managerUrl });
    expect(smoke?.url).toMatch(smokeUrl('/sok'));
    expect(live).toMatchObject({
      phase: 'live',
      status: 200,
      ok: true,
      url: `${fixture.tomcat.baseUrl}/sok/health`,
    });
    // The temporary context is gone; the real version is live, and the probes opened no session.
    expect(await smokeContextsNow()).toEqual([]);
    expect(await versionsOf('/sok')).toEqual([['001', 'live', 0]]);
    expect(await new Visitor(fixture.tomcat.baseUrl).get('/sok/')).toMatchObject({ label: 'fine' });
  });

  it('ROOT is smoke-tested under /ROOT-smoke-<hex>', async () => {
    const document = jsonOf<DeployDocument>(
      await cli(['deploy', await healthWar('root', 'ok'), '--path', '/', '--smoke', '/health', '--json']),
    );
    expect(summary(document.probes).map(([phase, , status, ok]) => [phase, status, ok])).toEqual([
      ['smoke', 200, true],
    ]);
    expect(document.probes[0]?.url).toMatch(smokeUrl('/'));
    expect(await smokeContextsNow()).toEqual([]);
    expect(await new Visitor(fixture.tomcat.baseUrl).get('/')).toMatchObject({
      label: 'root',
      version: '001',
    });
    // Leave ROOT empty for the other tests (a ROOT app answers every unknown path).
    expectExit(await cli(['undeploy', '--path', '/', '--version', '001', '--force', '--quiet']), 0);
  });

  it('a failed smoke test deploys nothing: no visitor ever gets the new build, no session is lost', async () => {
    const { holders, before } = await liveWithSessions('/sfail');
    const visitors = keepVisiting(fixture.tomcat.baseUrl, '/sfail');
    const result = await cli([
      'deploy',
      await healthWar('two', 'error'),
      '--path',
      '/sfail',
      '--smoke',
      '/health',
    ]);
    // The visitors keep coming for a moment after the command.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const visits = await visitors.stop();
    expectExit(result, 1);
    expect(result.stderr).toMatch(/smoke test of \/sfail failed/i);
    expect(result.stderr).toMatch(/-smoke-[0-9a-f]{4}\/health/);
    expect(result.stderr).toContain('HTTP 500');
    expect(result.stderr).toContain('broken: missing JDBC driver');
    expect(result.stderr).toMatch(/nothing was deployed/i);
    expect(result.stdout).toBe('');
    expectOnly(visits, 'one', 3);
    expect(await versionsOf('/sfail')).toEqual([['001', 'live', 2 + visits.length]]);
    expect(sessionsLost(before, await sessionsByVersion(fixture.client, '/sfail'))).toBe(0);
    await expectSessionsKept(holders);
    expect(await smokeContextsNow()).toEqual([]);
  });

  it('a smoke test that never gets healthy times out: visitors during and after it get only the old version', async () => {
    const { holders, before } = await liveWithSessions('/sslow');
    const visitors = keepVisiting(fixture.tomcat.baseUrl, '/sslow');
    const { value: result, ms } = await timed(async () =>
      cli([
        'deploy',
        await healthWar('two', 'ready-after', 600_000),
        '--path',
        '/sslow',
        '--smoke',
        '/health',
        '--probe-timeout',
        '3s',
        '--json',
      ]),
    );
    const during = await visitors.stop();
    const after = [];
    for (let i = 0; i < 3; i += 1) after.push(await new Visitor(fixture.tomcat.baseUrl).get('/sslow/'));
    const document = errorOf(result);
    expect(ms).toBeGreaterThanOrEqual(3_000);
    expect(document.error.code).toBe('E_PROBE');
    expect(document.error.message).toMatch(/smoke test of \/sslow failed/i);
    const probes = probesOfError(document);
    expect(probes.map((p) => [p.phase, p.status, p.ok])).toEqual([['smoke', 503, false]]);
    expect(probes[0]?.url).toMatch(smokeUrl('/sslow'));
    // The visitors kept coming for the 3 s of the smoke test (one every ~50 ms).
    expectOnly(during, 'one', 10);
    expectOnly(after, 'one', 3);
    expect(await versionsOf('/sslow')).toEqual([['001', 'live', 2 + during.length + after.length]]);
    expect(sessionsLost(before, await sessionsByVersion(fixture.client, '/sslow'))).toBe(0);
    await expectSessionsKept(holders);
    expect(await smokeContextsNow()).toEqual([]);
  });

  it('healthy under the smoke path but not under the real one: the smoke test passes, the probe catches it', async () => {
    const { holders, before } = await liveWithSessions('/sreal');
    const result = await cli([
      'deploy',
      await healthWar('two', 'fail-on-real-path'),
      '--path',
      '/sreal',
      '--smoke',
      '/health',
      '--probe',
      '/health',
      '--json',
    ]);
    const document = errorOf(result);
    const probes = probesOfError(document);
    expect(probes.map((p) => [p.phase, p.status, p.ok])).toEqual([
      ['smoke', 200, true],
      ['live', 500, false],
    ]);
    expect(probes[0]?.url).toMatch(smokeUrl('/sreal'));
    expect(probes[1]?.url).toBe(`${fixture.tomcat.baseUrl}/sreal/health`);
    expect(document.error.message).toContain('broken: no configuration for /sreal');
    expect(document.error.message).toMatch(/version 001 is live again/);
    expect(await versionsOf('/sreal')).toEqual([['001', 'live', 2]]);
    expect(sessionsLost(before, await sessionsByVersion(fixture.client, '/sreal'))).toBe(0);
    await expectSessionsKept(holders);
    expect(await new Visitor(fixture.tomcat.baseUrl).get('/sreal/')).toMatchObject({ label: 'one' });
    expect(await smokeContextsNow()).toEqual([]);
  });
});

describe('a smoke context left behind by a killed run', () => {
  it('status shows it with role smoke, and the next drain removes it', async () => {
    // A smoke test that waits (503 for 10 minutes); the run is killed while it waits.
    const war = await healthWar('left', 'ready-after', 600_000);
    const { tomcat, client } = fixture;
    const child = spawnCli(
      [
        'deploy',
        war,
        '--path',
        '/slo',
        '--smoke',
        '/health',
        '--probe-timeout',
        '60s',
        ...connection(tomcat),
      ],
      { env: { TOMCAT_PD_PASSWORD: tomcat.password } },
    );
    const run = collect(child, 60_000);
    let leftover: string | undefined;
    for (const started = Date.now(); leftover === undefined && Date.now() - started < 30_000;) {
      const status = await getStatus(client);
      // Running: Tomcat has started it and the run is probing it (it is listed stopped while it starts).
      leftover = status.apps
        .filter((app) => app.versions.some((v) => v.state === 'running'))
        .map((app) => app.path)
        .find((path) => /^\/slo-smoke-[0-9a-f]{4}$/.test(path));
      if (leftover === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGKILL');
    expect((await run).signal).toBe('SIGKILL');
    expect(leftover, 'the smoke context appeared').toBeDefined();

    const document = jsonOf<StatusDocument>(await cli(['status', '--json']));
    const app = document.apps.find((a) => a.path === leftover);
    expect(app?.versions.map((v) => [v.version, v.state, v.role])).toEqual([['', 'running', 'smoke']]);
    const table = expectExit(await cli(['status']), 0);
    expect(table.stdout).toMatch(new RegExp(`${leftover}\\s.*\\ssmoke\\b`));
    // The real path never got a version.
    expect(await versionsOf('/slo')).toEqual([]);

    // The killed run's release lock stays until it expires; its holder is known to be gone.
    expectExit(await cli(['lock', 'release', '--path', '/slo', '--force']), 0);
    const drained = jsonOf<{
      apps: { path: string; versions: { role: string; outcome: string; reason: string }[] }[];
    }>(await cli(['drain', '--grace', '0', '--json']));
    const removed = drained.apps.find((a) => a.path === leftover);
    expect(removed?.versions.map((v) => [v.role, v.outcome])).toEqual([['smoke', 'undeployed']]);
    expect(removed?.versions[0]?.reason).toMatch(/smoke/);
    expect(await smokeContextsNow()).toEqual([]);
  });
});
