import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getStatus } from '@tomcat-pd/core';
import { cliAgainst, expectExit, jsonOf } from './cli-helpers.js';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { openSessions } from './session-counts.js';
import { useTomcat } from './support.js';

// `status --metrics` (issue 12) against a real Tomcat 10.1, whose status page has JSON, and a
// real 9.0.70, whose page does not (JSON came with 9.0.83): there it is a usage error, exit 2.

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);
let tomcat9: LocalTomcatInstance;
const cli9 = cliAgainst(() => tomcat9);

beforeAll(async () => {
  tomcat9 = await startLocalTomcat({ line: '9.0' });
});
afterAll(() => tomcat9?.stop());

interface MetricsDocument {
  apps: {
    target: string;
    path: string;
    live: string | null;
    versions: {
      version: string;
      role: string;
      sessions: number;
      metrics: {
        deployedAt: string | null;
        ageSeconds: number | null;
        sessionsCreated: number;
        requests: number;
        errors: number;
        errorRate: number | null;
        drainEta?: { kind: string; inSeconds?: number; at?: string };
      } | null;
    }[];
  }[];
  targets: {
    target: string;
    readAt: string;
    metaspace: { usedBytes: number; maxBytes: number | null } | null;
  }[];
  errors: unknown[];
}

describe('status --metrics on Tomcat 10.1', () => {
  it('per version: deployed at, sessions served, requests and errors; a drain ETA for the draining one', async () => {
    const started = Date.now();
    for (const label of ['one', 'two']) {
      const war = await buildTestWar(fixture.warDir, {
        label,
        fileName: `met-${label}.war`,
        sessionTimeoutMinutes: 10,
      });
      expectExit(await cli(['deploy', war, '--path', '/met', '--quiet']), 0);
      // Three visitors with sessions on each version as it is live; two 404s on the live one.
      await openSessions(fixture.tomcat.baseUrl, '/met', 3, label === 'one' ? '001' : '002');
    }
    for (let i = 0; i < 2; i += 1)
      expect((await new Visitor(fixture.tomcat.baseUrl).get('/met/nope')).status).toBe(404);
    const document = jsonOf<MetricsDocument>(await cli(['status', '--path', '/met', '--metrics', '--json']));
    const [app] = document.apps;
    expect(app?.live).toBe('002');
    const [v1, v2] = app?.versions ?? [];
    expect(v1).toMatchObject({ version: '001', role: 'draining', sessions: 3 });
    expect(v1?.metrics).toMatchObject({ sessionsCreated: 3, requests: 3, errors: 0, errorRate: 0 });
    // The freshest session of 001 is less than a minute old: it times out 10 minutes after, plus the sweep.
    expect(v1?.metrics?.drainEta).toMatchObject({ kind: 'by', inSeconds: 11 * 60 });
    expect(v2).toMatchObject({ version: '002', role: 'live', sessions: 3 });
    // 3 pages and the 2 × 404 of the default servlet, which Tomcat counts as errors.
    expect(v2?.metrics).toMatchObject({ sessionsCreated: 3, requests: 5, errors: 2, errorRate: 0.4 });
    expect(v2?.metrics).not.toHaveProperty('drainEta');
    for (const version of [v1, v2]) {
      // Tomcat prints the start time to the second.
      const deployedAt = Date.parse(version?.metrics?.deployedAt ?? '');
      expect(deployedAt).toBeGreaterThanOrEqual(Math.floor(started / 1000) * 1000);
      expect(deployedAt).toBeLessThanOrEqual(Date.now());
    }
    // The sessions are those of list, read at the same moment.
    const listed = await getStatus(fixture.client, { path: '/met' });
    expect(listed.apps[0]?.versions.map((v) => v.sessions)).toEqual([3, 3]);
    expect(document.targets[0]?.metaspace?.usedBytes).toBeGreaterThan(1_000_000);
    expect(document.errors).toEqual([]);
  });

  it('in text, the status table with the metrics columns', async () => {
    const result = expectExit(await cli(['status', '--path', '/met', '--metrics']), 0);
    expect(result.stdout).toMatch(
      /APP\s+VERSION\s+STATE\s+SESSIONS\s+ROLE\s+DEPLOYED\s+AGE\s+SERVED\s+REQUESTS\s+ERRORS\s+EMPTY BY/,
    );
    expect(result.stdout).toMatch(
      /\/met\s+001\s+running\s+3\s+draining\s+\d{4}-\d\d-\d\d \d\d:\d\dZ\s+\S+\s+3\s+3\s+0 \(0\.0%\)\s+\d\d:\d\dZ \(in 11m\)/,
    );
    expect(result.stdout).toMatch(/\/met\s+002\s+running\s+3\s+live\s+.*\s+2 \(40%\)\s*$/m);
  });
});

describe('status --metrics on a Tomcat without the status JSON', () => {
  it('9.0.70 answers a usage error (exit 2) naming its version and the versions that have it', async () => {
    const result = expectExit(await cli9(['status', '--metrics']), 2);
    expect(result.stderr).toContain('has no status page in JSON (it runs Apache Tomcat/9.0.70');
    expect(result.stderr).toContain('9.0.83');
    expect(result.stdout).toBe('');
    // Plain status keeps working there.
    expect(
      jsonOf<{ apps: { path: string }[] }>(await cli9(['status', '--json'])).apps.map((a) => a.path),
    ).toContain('/manager');
  });
});

interface HistoryDocument {
  path: string;
  targets: {
    target: string;
    withMetrics: boolean;
    versions: {
      version: string;
      buildId: string | null;
      role: string;
      metrics: { requests: number } | null;
    }[];
  }[];
}

describe('deploy --build-id and history', () => {
  it('a counter that comes back after a rollback names another build; history lists them newest first', async () => {
    const deployBuild = async (buildId: string, label: string) => {
      const war = await buildTestWar(fixture.warDir, { label, fileName: `hist-${label}.war` });
      return jsonOf<{ version: string }>(
        await cli(['deploy', war, '--path', '/hist', '--build-id', buildId, '--json']),
      );
    };
    expect((await deployBuild('3f9c2ab', 'one')).version).toBe('001-3f9c2ab');
    expect((await deployBuild('9d0e1f2', 'two')).version).toBe('002-9d0e1f2');
    expectExit(await cli(['rollback', '--path', '/hist', '--quiet']), 0);
    expect((await deployBuild('77aa001', 'three')).version).toBe('002-77aa001');
    await new Visitor(fixture.tomcat.baseUrl).get('/hist/');
    const document = jsonOf<HistoryDocument>(await cli(['history', '--path', '/hist', '--json']));
    expect(document.path).toBe('/hist');
    const [target] = document.targets;
    expect(target?.withMetrics).toBe(true);
    expect(target?.versions.map((v) => [v.version, v.buildId, v.role])).toEqual([
      ['002-77aa001', '77aa001', 'live'],
      ['001-3f9c2ab', '3f9c2ab', 'drained'],
    ]);
    expect(target?.versions[0]?.metrics?.requests).toBe(1);
  });

  it('a forbidden character in the build id is refused before anything is sent: exit 2', async () => {
    const war = await buildTestWar(fixture.warDir, { label: 'bad', fileName: 'hist-bad.war' });
    const result = expectExit(await cli(['deploy', war, '--path', '/hist', '--build-id', 'feature/x']), 2);
    expect(result.stderr).toContain('"/"');
    const document = jsonOf<HistoryDocument>(await cli(['history', '--path', '/hist', '--json']));
    expect(document.targets[0]?.versions.map((v) => v.version)).toEqual(['002-77aa001', '001-3f9c2ab']);
  });

  it('on 9.0.70, without the status JSON, history shows what list knows', async () => {
    const war = await buildTestWar(fixture.warDir, { label: 'nine', fileName: 'hist-nine.war' });
    expectExit(await cli9(['deploy', war, '--path', '/hist9', '--build-id', 'b41', '--quiet']), 0);
    const document = jsonOf<HistoryDocument>(await cli9(['history', '--path', '/hist9', '--json']));
    expect(document.targets[0]).toMatchObject({
      withMetrics: false,
      versions: [{ version: '001-b41', buildId: 'b41', role: 'live', metrics: null }],
    });
    const text = expectExit(await cli9(['history', '--path', '/hist9']), 0);
    expect(text.stdout).toContain('has no status page in JSON');
  });
});
