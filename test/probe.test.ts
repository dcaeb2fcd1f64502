import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { CLOSED_URL, expectExit, jsonOf, runCli } from './cli-helpers.js';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  errorOf,
  probesOfError,
  smokeContexts,
  summary,
  timed,
  viaLocalhost,
  type DeployDocument,
  type ProbeEntry,
  type StatusDocument,
  probeSuite,
} from './probe-support.js';
import {
  expectSessionsKept,
  sessionChanges,
  sessionsByVersion,
  type SessionHolder,
} from './session-counts.js';
import { useTomcat } from './support.js';

// Deploys that prove themselves (issue 11): `--probe PATH` asks the new version, once it is live,
// under the app's real path, without cookies or the Manager's credentials; a version that does
// not answer healthy is undeployed again and the previous one takes new visitors. rollback,
// undeploy and drain probe the version that is live after them. Each test uses its own path.

const fixture = useTomcat();
const { cli, healthWar, versionsOf, liveWithSessions } = probeSuite(fixture);

/** Nothing but the versions a test expects: no smoke context either, from `status --json`. */
async function expectNoSmokeContext(): Promise<void> {
  expect(smokeContexts(jsonOf<StatusDocument>(await cli(['status', '--json'])))).toEqual([]);
}

/** `/health` of `path` on the test Tomcat, as the CLI reports it. */
function healthUrl(path: string, probe = '/health'): string {
  return `${fixture.tomcat.baseUrl}${path}${probe}`;
}

/** After a failed deploy of 002 over `liveWithSessions`: only 001, live, with every session it had. */
async function expectOldVersionIntact(
  path: string,
  holders: SessionHolder[],
  before: Record<string, number>,
) {
  expect(await versionsOf(path)).toEqual([['001', 'live', before['001']]]);
  expect(sessionChanges(before, await sessionsByVersion(fixture.client, path))).toEqual({});
  await expectSessionsKept(holders);
  expect(await new Visitor(fixture.tomcat.baseUrl).get(`${path}/`)).toMatchObject({
    status: 200,
    label: 'one',
    version: '001',
  });
  await expectNoSmokeContext();
}

/**
 * The live version the failing deploys of `deploy --probe` try to replace, one for all of them
 * (each failure must leave it as it was, with its two sessions, so the next one starts from it).
 */
let failing: Promise<{ holders: SessionHolder[] }> | undefined;
async function liveForFailures(): Promise<{ holders: SessionHolder[]; before: Record<string, number> }> {
  failing ??= liveWithSessions('/pfail');
  const { holders } = await failing;
  // Counted now: each test's last check (a new visitor gets 001) opens one more session.
  return { holders, before: await sessionsByVersion(fixture.client, '/pfail') };
}

describe('deploy --probe', () => {
  it('a healthy version passes every probe, under --app-url, and the probes open no session', async () => {
    const appUrl = viaLocalhost(fixture.tomcat.baseUrl);
    const result = await cli([
      'deploy',
      await healthWar('fine', 'ok'),
      '--path',
      '/pok',
      '--probe',
      '/health,/health.jsp',
      '--probe',
      '/health',
      '--expect',
      'healthy fine',
      '--app-url',
      appUrl,
      '--json',
    ]);
    const document = jsonOf<DeployDocument>(result);
    expect(document).toMatchObject({ path: '/pok', version: '001' });
    expect(summary(document.probes)).toEqual([
      ['live', `${appUrl}/pok/health`, 200, true],
      ['live', `${appUrl}/pok/health.jsp`, 200, true],
      ['live', `${appUrl}/pok/health`, 200, true],
    ]);
    for (const probe of document.probes) {
      expect(probe.target).toBe(fixture.tomcat.managerUrl);
      expect(probe.ms).toBeTypeOf('number');
    }
    // Three requests to the new version, no session: probes come without cookies and the
    // health page opens none (a probe that opened sessions would keep old versions draining).
    expect(await versionsOf('/pok')).toEqual([['001', 'live', 0]]);

    // For people: the version is live, and each probe says what it got.
    const text = expectExit(
      await cli(['deploy', await healthWar('fine2', 'ok'), '--path', '/pok', '--probe', '/health']),
      0,
    );
    expect(text.stdout).toMatch(/Version 002 of \/pok is live/);
    expect(text.stdout + text.stderr).toContain(`${healthUrl('/pok')}: HTTP 200`);
    expect(await versionsOf('/pok')).toEqual([
      ['001', 'drained', 0],
      ['002', 'live', 0],
    ]);
  });

  it('a /health that answers 500 fails at once: the new version goes, the old one keeps its sessions', async () => {
    const { holders, before } = await liveForFailures();
    // The default probe time-out is 60 s: a 500 must not be waited out.
    const { value: result, ms } = await timed(async () =>
      cli(['deploy', await healthWar('two', 'error'), '--path', '/pfail', '--probe', '/health']),
    );
    expectExit(result, 1);
    expect(ms).toBeLessThan(20_000);
    // The message names the URL, the answer, how long the bad version was live, and its removal.
    expect(result.stderr).toContain(healthUrl('/pfail'));
    expect(result.stderr).toContain('HTTP 500');
    expect(result.stderr).toContain('broken: missing JDBC driver');
    expect(result.stderr).toMatch(/live for \d+(\.\d+)? ?s/);
    expect(result.stderr).toMatch(/undeployed/i);
    expect(result.stderr).toMatch(/version 001 is live again/);
    expect(result.stdout).toBe('');
    await expectOldVersionIntact('/pfail', holders, before);
  });

  it('a /health that hangs fails when --probe-timeout runs out; the old version keeps its sessions', async () => {
    const { holders, before } = await liveForFailures();
    const { value: result, ms } = await timed(async () =>
      cli([
        'deploy',
        await healthWar('two', 'hang'),
        '--path',
        '/pfail',
        '--probe',
        '/health',
        '--probe-timeout',
        '3s',
        '--json',
      ]),
    );
    const document = errorOf(result);
    expect(ms).toBeGreaterThanOrEqual(3_000);
    expect(ms).toBeLessThan(25_000);
    expect(document.error.code).toBe('E_PROBE');
    expect(document.error.message).toContain(healthUrl('/pfail'));
    expect(document.error.message).toMatch(/no answer|timed out/);
    expect(document.error.message).toMatch(/version 001 is live again/);
    const probes = probesOfError(document);
    expect(probes.map((p) => [p.phase, p.url, p.ok])).toEqual([['live', healthUrl('/pfail'), false]]);
    // No answer: no status (null in the document).
    expect(probes[0]?.status ?? null).toBeNull();
    expect(probes[0]?.ms).toBeGreaterThanOrEqual(2_500);
    await expectOldVersionIntact('/pfail', holders, before);
  });

  it('a 200 without the expected text fails at once (--expect healthy)', async () => {
    const { holders, before } = await liveForFailures();
    const { value: result, ms } = await timed(async () =>
      cli([
        'deploy',
        await healthWar('two', 'wrong-text'),
        '--path',
        '/pfail',
        '--probe',
        '/health',
        '--expect',
        'healthy',
        '--probe-timeout',
        '30s',
        '--json',
      ]),
    );
    const document = errorOf(result);
    expect(ms).toBeLessThan(15_000);
    expect(document.error.message).toContain(healthUrl('/pfail'));
    expect(document.error.message).toContain('HTTP 200');
    expect(document.error.message).toContain('status: degraded');
    expect(document.error.message).toContain('"healthy"');
    expect(summary(probesOfError(document))).toEqual([['live', healthUrl('/pfail'), 200, false]]);
    await expectOldVersionIntact('/pfail', holders, before);
  });

  it('a version that is healthy only after a few seconds passes: 503 is waited for', async () => {
    const { holders, before } = await liveWithSessions('/pwarm');
    const { value: result, ms } = await timed(async () =>
      cli([
        'deploy',
        await healthWar('two', 'ready-after', 3_000),
        '--path',
        '/pwarm',
        '--probe',
        '/health',
        '--expect',
        'healthy two',
        '--expect-status',
        '200-399',
        '--probe-timeout',
        '20s',
        '--json',
      ]),
    );
    const document = jsonOf<DeployDocument>(result);
    // It answered 503 for 3 s after the first probe: the deploy waited for it.
    expect(ms).toBeGreaterThanOrEqual(3_000);
    expect(document.version).toBe('002');
    expect(summary(document.probes)).toEqual([['live', healthUrl('/pwarm'), 200, true]]);
    expect(await versionsOf('/pwarm')).toEqual([
      ['001', 'draining', 2],
      ['002', 'live', 0],
    ]);
    expect(sessionChanges(before, await sessionsByVersion(fixture.client, '/pwarm'))).toEqual({});
    await expectSessionsKept(holders);
    expect(await new Visitor(fixture.tomcat.baseUrl).get('/pwarm/')).toMatchObject({ label: 'two' });
  });

  it('a first deploy that fails its probe is removed: no version of the app is left', async () => {
    const result = expectExit(
      await cli(['deploy', await healthWar('first', 'error'), '--path', '/pfirst', '--probe', '/health']),
      1,
    );
    expect(result.stderr).toContain(healthUrl('/pfirst'));
    expect(result.stderr).toContain('HTTP 500');
    expect(result.stderr).toMatch(/no version of \/pfirst is deployed now/i);
    expect(await versionsOf('/pfirst')).toEqual([]);
    expect((await new Visitor(fixture.tomcat.baseUrl).get('/pfirst/')).status).toBe(404);
  });
});

/** A stand-in for the app's front door: answers `answers` in turn (then the last), records each request. */
async function recordingServer(answers: readonly [number, string][]) {
  const requests: { at: number; method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    requests.push({ at: Date.now(), method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const [status, body] = answers[Math.min(requests.length, answers.length) - 1] ?? [500, ''];
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('deploy --probe: what a probe sends, and what it waits for', () => {
  it('plain GETs without cookies or credentials, retried about every second on 503 and 404', async () => {
    const app = await recordingServer([
      [503, 'starting'],
      [404, 'not mapped yet'],
      [200, 'healthy'],
    ]);
    try {
      const document = jsonOf<DeployDocument>(
        await cli([
          'deploy',
          await healthWar('rec', 'ok'),
          '--path',
          '/prec',
          '--probe',
          '/health',
          '--app-url',
          app.url,
          '--json',
        ]),
      );
      expect(summary(document.probes)).toEqual([['live', `${app.url}/prec/health`, 200, true]]);
      expect(app.requests.map((r) => [r.method, r.url])).toEqual([
        ['GET', '/prec/health'],
        ['GET', '/prec/health'],
        ['GET', '/prec/health'],
      ]);
      for (const { headers } of app.requests) {
        expect(headers.authorization).toBeUndefined();
        expect(headers.cookie).toBeUndefined();
      }
      const gaps = app.requests.slice(1).map((r, i) => r.at - (app.requests[i]?.at ?? 0));
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(500);
        expect(gap).toBeLessThan(3_000);
      }
    } finally {
      await app.close();
    }
  });

  it('--expect-status widens what counts as healthy; outside it, a status fails at once', async () => {
    const app = await recordingServer([[302, 'see elsewhere']]);
    try {
      const deploy = (label: string, ...more: string[]) =>
        timed(async () =>
          cli([
            'deploy',
            await healthWar(label, 'ok'),
            '--path',
            '/pstat',
            '--probe',
            '/health',
            '--app-url',
            app.url,
            ...more,
            '--json',
          ]),
        );
      const wide = await deploy('wide', '--expect-status', '200-399');
      expect(summary(jsonOf<DeployDocument>(wide.value).probes)).toEqual([
        ['live', `${app.url}/pstat/health`, 302, true],
      ]);
      const { value: narrow, ms } = await deploy('narrow', '--probe-timeout', '30s');
      expect(ms).toBeLessThan(15_000);
      expect(summary(probesOfError(errorOf(narrow)))).toEqual([
        ['live', `${app.url}/pstat/health`, 302, false],
      ]);
      expect(await versionsOf('/pstat')).toEqual([['001', 'live', 0]]);
      // The 302 was not followed: one request per deploy.
      expect(app.requests.map((r) => r.url)).toEqual(['/pstat/health', '/pstat/health']);
    } finally {
      await app.close();
    }
  });

  it('no answer at all (connection refused) is waited for until --probe-timeout, then the version goes', async () => {
    const { holders, before } = await liveForFailures();
    const { value: result, ms } = await timed(async () =>
      cli([
        'deploy',
        await healthWar('two', 'ok'),
        '--path',
        '/pfail',
        '--probe',
        '/health',
        '--app-url',
        'http://127.0.0.1:1',
        '--probe-timeout',
        '2s',
        '--json',
      ]),
    );
    const document = errorOf(result);
    expect(ms).toBeGreaterThanOrEqual(2_000);
    expect(document.error.message).toContain('http://127.0.0.1:1/pfail/health');
    expect(document.error.message).toMatch(/refused/);
    expect(document.error.message).toMatch(/version 001 is live again/);
    const probes = probesOfError(document);
    expect(probes.map((p) => [p.phase, p.url, p.status ?? null, p.ok])).toEqual([
      ['live', 'http://127.0.0.1:1/pfail/health', null, false],
    ]);
    await expectOldVersionIntact('/pfail', holders, before);
  });
});

describe('rollback, undeploy and drain with --probe: the version live afterwards is asked', () => {
  it('rollback --probe: a healthy older version passes; a broken one fails, and nothing is redeployed', async () => {
    for (const [label, health] of [
      ['bad', 'error'],
      ['good', 'ok'],
      ['newest', 'ok'],
    ] as const)
      expectExit(await cli(['deploy', await healthWar(label, health), '--path', '/rb', '--quiet']), 0);

    const passed = jsonOf<{ targets: { live: string }[]; probes: ProbeEntry[] }>(
      await cli(['rollback', '--path', '/rb', '--probe', '/health', '--expect', 'healthy good', '--json']),
    );
    expect(passed.targets.map((t) => t.live)).toEqual(['002']);
    expect(summary(passed.probes)).toEqual([['after', healthUrl('/rb'), 200, true]]);

    const failed = expectExit(await cli(['rollback', '--path', '/rb', '--probe', '/health']), 1);
    // It says what is live now and what it answered.
    expect(failed.stderr).toMatch(/version 001 of \/rb is live/);
    expect(failed.stderr).toContain(healthUrl('/rb'));
    expect(failed.stderr).toContain('HTTP 500');
    expect(failed.stderr).toContain('broken: missing JDBC driver');
    // The rollback itself happened; nothing was redeployed.
    expect(await versionsOf('/rb')).toEqual([['001', 'live', 0]]);
  });

  it('undeploy --probe: the version left live is asked; a broken one fails, and nothing is redeployed', async () => {
    for (const [label, health] of [
      ['bad', 'error'],
      ['good', 'ok'],
      ['newest', 'ok'],
    ] as const)
      expectExit(await cli(['deploy', await healthWar(label, health), '--path', '/ud', '--quiet']), 0);

    // An older version goes; the live one (003) is asked and is healthy.
    const passed = jsonOf<{ targets: { wasLive: boolean }[]; probes: ProbeEntry[] }>(
      await cli(['undeploy', '--path', '/ud', '--version', '002', '--probe', '/health', '--json']),
    );
    expect(passed.targets.map((t) => t.wasLive)).toEqual([false]);
    expect(summary(passed.probes)).toEqual([['after', healthUrl('/ud'), 200, true]]);

    // The live one goes: 001 takes over, and it is broken.
    const failed = await cli([
      'undeploy',
      '--path',
      '/ud',
      '--version',
      '003',
      '--force',
      '--probe',
      '/health',
      '--json',
    ]);
    expectExit(failed, 1);
    expect(failed.stderr).toMatch(/version 001 of \/ud is live/);
    expect(failed.stderr).toContain(healthUrl('/ud'));
    expect(failed.stderr).toContain('HTTP 500');
    expect(await versionsOf('/ud')).toEqual([['001', 'live', 0]]);
    // The document tells what happened: 003 was undeployed, and what the probe got.
    const document = JSON.parse(failed.stdout) as {
      targets?: { wasLive: boolean }[];
      probes?: ProbeEntry[];
      error?: { probes?: ProbeEntry[] };
    };
    const probes = document.probes ?? document.error?.probes;
    expect(summary(probes)).toEqual([['after', healthUrl('/ud'), 500, false]]);
    expect(document.targets?.map((t) => t.wasLive)).toEqual([true]);
  });

  it('drain --probe: after the drain the live version is asked; a broken one fails the drain', async () => {
    expectExit(await cli(['deploy', await healthWar('old', 'ok'), '--path', '/dr', '--quiet']), 0);
    expectExit(await cli(['deploy', await healthWar('good', 'ok'), '--path', '/dr', '--quiet']), 0);
    const passed = jsonOf<{ undeployed: number; probes: ProbeEntry[] }>(
      await cli(['drain', '--path', '/dr', '--grace', '0', '--probe', '/health', '--json']),
    );
    expect(passed.undeployed).toBe(1);
    expect(summary(passed.probes)).toEqual([['after', healthUrl('/dr'), 200, true]]);

    expectExit(await cli(['deploy', await healthWar('bad', 'error'), '--path', '/dr', '--quiet']), 0);
    const failed = await cli(['drain', '--path', '/dr', '--grace', '0', '--probe', '/health', '--json']);
    const document = jsonOf<{ undeployed: number; probes: ProbeEntry[] }>(failed, 1);
    // The drain did its work (002 went), then the live version answered 500.
    expect(document.undeployed).toBe(1);
    expect(summary(document.probes)).toEqual([['after', healthUrl('/dr'), 500, false]]);
    expect(failed.stderr).toContain(healthUrl('/dr'));
    expect(failed.stderr).toContain('HTTP 500');
    // It says what is live: 003.
    expect(failed.stderr).toMatch(/003/);
    expect(await versionsOf('/dr')).toEqual([['003', 'live', 0]]);
  });
});

// Each of these is one short CLI run that changes nothing: they run at once.
describe.concurrent('probe options that make no sense: exit 2 before any request', () => {
  // Against a closed port: a command that sent anything would fail with exit 4, not 2.
  const run = (args: string[]) =>
    runCli([...args, '--url', CLOSED_URL, '--user', 'deployer'], { env: { TOMCAT_PD_PASSWORD: 'x' } });

  it.each([
    [['--probe', 'health'], /probe path "health".*start/],
    [['--probe', 'http://x/health'], /probe path "http:\/\/x\/health"/],
    [['--probe', '/health,ready'], /probe path "ready"/],
    [['--smoke', 'health'], /probe path "health"/],
    [['--smoke', 'https://x/health'], /probe path "https:\/\/x\/health"/],
    [['--expect', 'ok'], /--expect.*--probe/],
    [['--expect-status', '200-399'], /--expect-status.*--probe/],
    [['--probe-timeout', '3s'], /--probe-timeout.*--probe/],
    [['--probe', '/health', '--app-url', 'ftp://x'], /app URL.*http/],
    [['--probe', '/health', '--app-url', 'not a url'], /app URL/],
    [['--probe', '/health', '--expect-status', '600-700'], /expected status "600-700"/],
    [['--probe', '/health', '--probe-timeout', 'soon'], /--probe-timeout.*"soon"/],
  ])('deploy %j', async (args, message) => {
    // Against the real Tomcat: had it been sent, the deploy would have gone through (exit 0).
    const war = await buildTestWar(fixture.warDir, { label: 'never' });
    const result = expectExit(await cli(['deploy', war, '--path', '/never', ...args]), 2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it.each([
    [['rollback', '--path', '/p', '--probe', 'health'], /probe path "health"/],
    [['rollback', '--path', '/p', '--expect', 'ok'], /--expect.*--probe/],
    [['undeploy', '--path', '/p', '--version', '001', '--probe', 'http://x/health'], /probe path/],
    [['undeploy', '--path', '/p', '--version', '001', '--expect-status', '200'], /--expect-status/],
    [['drain', '--probe', 'health'], /probe path "health"/],
    [['drain', '--probe-timeout', '3s'], /--probe-timeout.*--probe/],
  ])('%j', async (args, message) => {
    const result = expectExit(await run(args), 2);
    expect(result.stderr).toMatch(message);
  });
});

describe('after the refused deploys', () => {
  it('nothing was deployed by any of them', async () => {
    expect(await versionsOf('/never')).toEqual([]);
  });
});
