import { describe, expect, it } from 'vitest';
import { deploy } from '@tomcat-pd/core';
import {
  CLOSED_URL,
  cliAgainst,
  collect,
  connection,
  expectExit,
  jsonOf,
  runCli,
  spawnCli,
  waitForOutput,
} from './cli-helpers.js';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  expectSessionsKept,
  openSession,
  sessionChanges,
  sessionsByVersion,
  sessionsOfAllApps,
  type SessionHolder,
} from './session-counts.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);

interface CycleLine {
  target: string;
  cycle: number;
  startedAt: string;
  report?: { apps: { target: string; path: string; versions: { version: string; outcome: string }[] }[] };
  error?: { code: string; message: string };
}

/** Starts `tomcat-pd drain ... --every` against the fixture's Tomcat; the caller signals it. */
function startEvery(args: string[]) {
  const child = spawnCli(['drain', ...args, ...connection(fixture.tomcat)], {
    env: { TOMCAT_PD_PASSWORD: fixture.tomcat.password },
  });
  // Collect from the start: output written before a listener is attached would be lost.
  const done = collect(child, 30_000, ['drain', ...args]);
  return { child, done };
}

/**
 * Deploys `labels` in order to `path`; the older ones have no sessions, so they are drained.
 * Through the library, not the CLI: this is set-up, and the deploy command has its own tests.
 */
async function deployAll(path: string, labels: string[]): Promise<void> {
  for (const label of labels) {
    const war = await buildTestWar(fixture.warDir, { label, fileName: `${path.slice(1)}-${label}.war` });
    await deploy(fixture.client, { path, warFile: war });
  }
}

/**
 * Deploys `labels` in order to `path` and opens a session on each right after its deploy (so one
 * session on every one of these versions): a drain without --expire-idle may lose none of them.
 */
async function deployHeld(path: string, labels: string[]): Promise<SessionHolder[]> {
  const holders: SessionHolder[] = [];
  for (const label of labels) {
    await deployAll(path, [label]);
    holders.push(await openSession(fixture.tomcat.baseUrl, path));
  }
  return holders;
}

/** Sessions held on /ev by the --every tests, checked again by the test of a refused login. */
const evHolders: SessionHolder[] = [];

async function versionsOf(path: string): Promise<string[]> {
  const document = jsonOf<{ apps: { versions: { version: string }[] }[] }>(
    await cli(['status', '--path', path, '--json']),
  );
  return (document.apps[0]?.versions ?? []).map((v) => v.version);
}

describe('drain through the built CLI', () => {
  it('--every --json: one JSON line per cycle; SIGTERM during the pause exits 0 within ~1 s', async () => {
    // A session on an old version and on the live one: a cycle and its interruption lose neither.
    evHolders.push(...(await deployHeld('/ev', ['e1', 'e2'])));
    const counted = await sessionsByVersion(fixture.client, '/ev');
    expect(counted).toEqual({ '001': 1, '002': 1 });
    const { child, done } = startEvery(['--path', '/ev', '--every', '30s', '--json']);
    await waitForOutput(child, /\n/);
    // The first cycle is done and the loop now sleeps 30 s: the signal must cut the sleep short.
    const signalled = Date.now();
    child.kill('SIGTERM');
    const result = await done;
    const elapsed = Date.now() - signalled;
    expect(result.code).toBe(0);
    expect(elapsed).toBeLessThan(1_500);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const cycle = JSON.parse(lines[0] ?? '') as CycleLine;
    expect(Object.keys(cycle).sort()).toEqual(['cycle', 'report', 'startedAt', 'target']);
    expect(cycle.target).toBe(fixture.tomcat.managerUrl);
    expect(cycle.cycle).toBe(1);
    // The report in the shape of a one-shot drain's document, its apps with their target too.
    expect(Object.keys(cycle.report ?? {}).sort()).toEqual([
      'apps',
      'dryRun',
      'failed',
      'probes',
      'undeployed',
    ]);
    for (const app of cycle.report?.apps ?? []) expect(app.target).toBe(fixture.tomcat.managerUrl);
    expect(Number.isNaN(Date.parse(cycle.startedAt))).toBe(false);
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/ev'))).toEqual({});
    await expectSessionsKept(evHolders);
  });

  it('--every carries the grace period from cycle to cycle, then undeploys; SIGINT stops it too', async () => {
    await deployAll('/grace', ['g1', 'g2']);
    // A session on the live version only, so that 001 stays drained; the drain may not lose it.
    const onLive = await openSession(fixture.tomcat.baseUrl, '/grace', '002');
    const counted = await sessionsByVersion(fixture.client, '/grace');
    expect(counted).toEqual({ '001': 0, '002': 1 });
    // 001 has no session: drained. With a 1.5 s grace and a cycle every 1 s it waits at least
    // one cycle (it was first seen drained then) and is undeployed in a later one.
    const { child, done } = startEvery(['--path', '/grace', '--every', '1s', '--grace', '1500ms', '--json']);
    await waitForOutput(child, /"outcome":"undeployed"/, 15_000);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
    const cycles = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as CycleLine);
    expect(cycles.map((c) => c.cycle)).toEqual(cycles.map((_, i) => i + 1));
    const outcomes = cycles.map((c) => c.report?.apps[0]?.versions.find((v) => v.version === '001')?.outcome);
    expect(outcomes[0]).toBe('waiting');
    expect(outcomes).toContain('undeployed');
    expect(await versionsOf('/grace')).toEqual(['002']);
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/grace'))).toEqual({});
    await expectSessionsKept([onLive]);
  });

  it('--every in text mode prints a line per cycle and stops on SIGTERM with exit 0', async () => {
    evHolders.push(...(await deployHeld('/ev', ['e3'])));
    const counted = await sessionsByVersion(fixture.client, '/ev');
    const { child, done } = startEvery(['--path', '/ev', '--every', '1s']);
    await waitForOutput(child, /\n/);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(1_500);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d /m);
    expect(result.stderr).toMatch(/Stopped/);
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/ev'))).toEqual({});
    await expectSessionsKept(evHolders);
  });

  // A Tomcat that is down (restarting, say) fails a cycle, not the loop: the line says why.
  it('--every --json: a cycle that cannot connect is a line { target, cycle, startedAt, error }, and the loop goes on', async () => {
    const child = spawnCli(
      ['drain', '--every', '1s', '--json', '--retries', '0', '--url', CLOSED_URL, '--user', 'deployer'],
      { env: { TOMCAT_PD_PASSWORD: 'pw' } },
    );
    const done = collect(child, 30_000);
    await waitForOutput(child, /"cycle":2/);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    const cycles = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as CycleLine);
    expect(cycles.length).toBeGreaterThanOrEqual(2);
    expect(Object.keys(cycles[0] ?? {}).sort()).toEqual(['cycle', 'error', 'startedAt', 'target']);
    expect(cycles[0]?.target).toBe(CLOSED_URL);
    expect(cycles[0]?.error).toMatchObject({
      code: 'E_CONNECT',
      message: expect.stringContaining('127.0.0.1:1'),
    });
    expect(result.stdout + result.stderr).not.toContain('pw"');
  });

  // Every later cycle would be refused the same way (and a 401 repeated would lock the user
  // out), so a refused login ends the loop with exit 4 instead of a line per cycle.
  it('--every ends with exit 4 when the user lacks the manager-script role', async () => {
    const { name, password } = fixture.tomcat.users.guiOnly;
    const counted = await sessionsOfAllApps(fixture.client);
    const result = await runCli(
      ['drain', '--every', '1s', '--json', '--url', fixture.tomcat.managerUrl, '--user', name],
      { env: { TOMCAT_PD_PASSWORD: password }, timeoutMs: 10_000 },
    );
    expectExit(result, 4);
    const lines = result.stdout.trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ error: { code: 'E_FORBIDDEN' } });
    // Refused: no session of any app is touched.
    expect(sessionChanges(counted, await sessionsOfAllApps(fixture.client))).toEqual({});
    await expectSessionsKept(evHolders);
  });

  it('--dry-run changes nothing and says what it would do', async () => {
    await deployAll('/dry', ['d1', 'd2', 'd3']);
    // A session on the live version only, so that 001 and 002 stay drained.
    const onLive = await openSession(fixture.tomcat.baseUrl, '/dry', '003');
    const counted = await sessionsByVersion(fixture.client, '/dry');
    const before = await versionsOf('/dry');
    const result = expectExit(await cli(['drain', '--path', '/dry', '--grace', '0', '--dry-run']), 0);
    expect(result.stdout).toMatch(/\/dry\s+001\s.*undeploy\s+planned/);
    expect(result.stdout).toMatch(/Dry run: 2 versions would be undeployed/);
    expect(await versionsOf('/dry')).toEqual(before);
    expect(before).toEqual(['001', '002', '003']);
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/dry'))).toEqual({});
    await expectSessionsKept([onLive]);
  });

  it('--keep 1 spares the newest drained version for a rollback', async () => {
    // The versions from the dry-run test: 001 and 002 drained, 003 live.
    const onLive = await openSession(fixture.tomcat.baseUrl, '/dry', '003');
    const counted = await sessionsByVersion(fixture.client, '/dry');
    const report = jsonOf<{
      undeployed: number;
      apps: { versions: { version: string; outcome: string }[] }[];
    }>(await cli(['drain', '--path', '/dry', '--keep', '1', '--grace', '0', '--json']));
    expect(report.apps[0]?.versions.map((v) => [v.version, v.outcome])).toEqual([
      ['001', 'undeployed'],
      ['002', 'kept'],
      ['003', 'kept'],
    ]);
    expect(report.undeployed).toBe(1);
    expect(await versionsOf('/dry')).toEqual(['002', '003']);
    // 001 had no session; 003 keeps its own.
    expect(counted['001']).toBe(0);
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/dry'))).toEqual({});
    await expectSessionsKept([onLive]);
  });

  it('--wait gives up after --wait-timeout with exit 1 while a session holds an old version', async () => {
    await deployAll('/wait', ['w1']);
    const holder = new Visitor(fixture.tomcat.baseUrl);
    const opened = await holder.get('/wait/');
    await deployAll('/wait', ['w2']);
    const onLive = await openSession(fixture.tomcat.baseUrl, '/wait', '002');
    const counted = await sessionsByVersion(fixture.client, '/wait');
    expect(counted).toEqual({ '001': 1, '002': 1 });
    const result = await cli(['drain', '--path', '/wait', '--wait', '--wait-timeout', '1s', '--grace', '0']);
    expectExit(result, 1);
    expect(result.stderr).toMatch(/Gave up waiting after 1s/);
    expect(result.stderr).toMatch(/\/wait##001/);
    // Each cycle's line says when 001 is empty if its visitor does not come back: its session is
    // under a minute old, the test WAR's timeout is Tomcat's default 30 minutes, plus the sweep.
    expect(result.stderr).toMatch(/\/wait##001 empty by \d\d:\d\dZ \(in 31m\)/);
    // The report of what was done is the result on stdout; the error says what is left.
    expect(result.stdout).toMatch(/\/wait\s+001\s+1\s+draining\s+keep\s+kept/);
    expect(await versionsOf('/wait')).toEqual(['001', '002']);
    // With --json the report is the one document, with complete: false; the error on stderr only.
    const json = await cli([
      'drain',
      '--path',
      '/wait',
      '--wait',
      '--wait-timeout',
      '1s',
      '--grace',
      '0',
      '--json',
    ]);
    const document = jsonOf<{ complete: boolean; waitedMs: number; errors: unknown[]; apps: unknown[] }>(
      json,
      1,
    );
    expect(document).toMatchObject({ complete: false, errors: [] });
    expect(document.waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(document.apps).toHaveLength(1);
    expect(json.stderr).toMatch(/still to go on .*\/wait##001/);
    // Waiting, giving up: no session lost, the one on 001 still on 001.
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/wait'))).toEqual({});
    expect(await holder.get('/wait/')).toMatchObject({ version: '001', sessionId: opened.sessionId });
    await expectSessionsKept([onLive]);
  });
});
