import { getEventListeners } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagerClient, deploy, getStatus, onEachTarget } from '@tomcat-pd/core';
import {
  collect,
  expectExit,
  jsonOf,
  runCli,
  spawnCli,
  waitForOutput,
  type CliOptions,
} from './cli-helpers.js';
import { freePort } from '@tomcat-pd/testkit/free-port';
import { startTogether, startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import type { TomcatInstance } from '@tomcat-pd/testkit/tomcat-instance';
import {
  clientOf,
  expectSessionsKept,
  openSession,
  sessionChangesOnEach,
  sessionsOfAllApps,
  sessionsOnEach,
  type SessionHolder,
} from './session-counts.js';

/**
 * status, sessions and drain on several real Tomcats at once, through the built CLI: web1..web3
 * answer, `down` is a Manager URL on a closed port of 127.0.0.1.
 */

const WEB = ['web1', 'web2', 'web3'] as const;
type Web = (typeof WEB)[number];

let tomcats: Record<Web, TomcatInstance>;
let dir: string;
let downUrl: string;

beforeAll(async () => {
  const [web1, web2, web3] = await startTogether([startTomcat(), startTomcat(), startTomcat()]);
  tomcats = { web1, web2, web3 };
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-fleet-'));
  // A port that was free a moment ago: nothing listens there, so `down` cannot be reached.
  downUrl = `http://127.0.0.1:${await freePort()}/manager`;
  const targets = [
    ...WEB.map((name) => ({
      name,
      url: tomcats[name].managerUrl,
      user: tomcats[name].user,
      passwordEnv: `${name.toUpperCase()}_PASSWORD`,
    })),
    { name: 'down', url: downUrl, user: 'deployer', passwordEnv: 'DOWN_PASSWORD' },
  ];
  await writeFile(join(dir, 'tomcat-pd.json'), JSON.stringify({ targets }));
});

afterAll(async () => {
  await Promise.all(Object.values(tomcats ?? {}).map((tomcat) => tomcat.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The env with every target's password (`down`'s is never sent anywhere that answers). */
function passwords(): Record<string, string> {
  return {
    WEB1_PASSWORD: tomcats.web1.password,
    WEB2_PASSWORD: tomcats.web2.password,
    WEB3_PASSWORD: tomcats.web3.password,
    DOWN_PASSWORD: 'not-used',
  };
}

/** `tomcat-pd ARGS` in the directory of the config file; `--retries 0` keeps `down` quick. */
function fleet(args: readonly string[], options: CliOptions = {}) {
  return runCli(['--retries', '0', ...args], {
    cwd: dir,
    ...options,
    env: { ...passwords(), ...options.env },
  });
}

interface StatusDocument {
  apps: {
    target: string;
    path: string;
    live: string | null;
    versions: { version: string; role: string }[];
  }[];
  errors: { target: string; error: { code: string; message: string; hint?: string } }[];
}

interface DrainDocument {
  dryRun: boolean;
  apps: {
    target: string;
    path: string;
    live: string | null;
    versions: { version: string; action: string; outcome: string }[];
  }[];
  undeployed: number;
  failed: number;
  errors: StatusDocument['errors'];
  complete?: boolean;
  waitedMs?: number;
}

/** `{ web1: ['001', '002'], ... }`: the versions of `path` on each of web1..web3. */
async function versionsOnEach(path: string): Promise<Record<string, string[]>> {
  const document = jsonOf<StatusDocument>(
    await fleet(['status', '--path', path, '--json', '--target', WEB.join(',')]),
  );
  expect(document.errors).toEqual([]);
  return Object.fromEntries(document.apps.map((app) => [app.target, app.versions.map((v) => v.version)]));
}

/** Deploys `labels` in order to `path` on one Tomcat, through the library (this is set-up). */
async function deployVersions(name: Web, path: string, labels: string[]): Promise<void> {
  const { managerUrl, user, password } = tomcats[name];
  const client = createManagerClient({ url: managerUrl, user, password });
  for (const label of labels) {
    const warFile = await buildTestWar(dir, { label, fileName: `${name}-${path.slice(1)}-${label}.war` });
    await deploy(client, { path, warFile });
  }
}

/** The sessions of each version of `path` on each of `names`, counted by the library. */
function countSessions(path: string, names: readonly Web[] = WEB) {
  return sessionsOnEach(Object.fromEntries(names.map((name) => [name, clientOf(tomcats[name])])), path);
}

/** `{ web1: { '/fleet##002': 1, ... } }`: the sessions of every app but the Manager on each of `names`. */
async function countAllSessions(names: readonly Web[]): Promise<Record<string, Record<string, number>>> {
  const counts = await Promise.all(names.map((name) => sessionsOfAllApps(clientOf(tomcats[name]))));
  return Object.fromEntries(names.map((name, i) => [name, counts[i] ?? {}]));
}

/** Sessions opened on /fleet by the tests below; no drain here may lose one (none expires idle ones). */
const held: SessionHolder[] = [];

/** A new session on the live version of /fleet on each of web1..web3 (added to `held`). */
async function holdLiveFleet(): Promise<void> {
  held.push(
    ...(await Promise.all(WEB.map((name) => openSession(tomcats[name].baseUrl, '/fleet', '002', name)))),
  );
}

describe('status on several targets', () => {
  it('--json: apps of every target that answered, each with its target; the down target in errors; exit 4', async () => {
    const document = jsonOf<StatusDocument>(await fleet(['status', '--json']), 4);
    expect(Object.keys(document).sort()).toEqual(['apps', 'errors', 'warnings']);
    const manager = document.apps.filter((app) => app.path === '/manager');
    expect(manager.map((app) => app.target)).toEqual(['web1', 'web2', 'web3']);
    for (const app of document.apps) expect(WEB).toContain(app.target);
    expect(document.errors).toHaveLength(1);
    expect(document.errors[0]).toMatchObject({
      target: 'down',
      error: { code: 'E_CONNECT', message: expect.stringContaining(downUrl.replace('/manager', '')) },
    });
  });

  it('for people: one table with a TARGET column; the down target is named after it', async () => {
    const result = expectExit(await fleet(['status']), 4);
    expect(result.stdout).toMatch(/^TARGET\s+APP\s+VERSION\s+STATE\s+SESSIONS\s+ROLE$/m);
    for (const name of WEB) expect(result.stdout).toMatch(new RegExp(`^${name}\\s+/manager\\s`, 'm'));
    expect(result.stdout).toMatch(/^down: cannot be reached: /m);
    expect(result.stderr).toMatch(/^error: /m);
  });

  it('--parallel 16 over 16 targets: every one read, and nothing on stderr (no listener-leak warning)', async () => {
    const targets = Array.from({ length: 16 }, (_, i) => {
      const name = WEB[i % WEB.length] ?? 'web1';
      return {
        name: `t${i + 1}`,
        url: tomcats[name].managerUrl,
        user: tomcats[name].user,
        passwordEnv: `${name.toUpperCase()}_PASSWORD`,
      };
    });
    await writeFile(join(dir, 'sixteen.json'), JSON.stringify({ targets }));
    const result = await fleet(['--config', 'sixteen.json', '--parallel', '16', 'status', '--json']);
    const document = jsonOf<StatusDocument>(result);
    expect(new Set(document.apps.map((app) => app.target)).size).toBe(16);
    expect(result.stderr).toBe('');
  });

  it("the library, parallel 16 over 16 clients with the caller's own signal: every one read, no listener-leak warning", async () => {
    const clients = Array.from({ length: 16 }, (_, i) => {
      const tomcat = tomcats[WEB[i % WEB.length] ?? 'web1'];
      const { managerUrl: url, user, password } = tomcat;
      return createManagerClient({ name: `t${i + 1}`, url, user, password });
    });
    const controller = new AbortController();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const outcomes = await onEachTarget(clients, (client, signal) => getStatus(client, { signal }), {
        parallel: 16,
        signal: controller.signal,
      });
      expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(16);
      // Node emits the warning on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('--target web1,web2: only those two, exit 0', async () => {
    const document = jsonOf<StatusDocument>(await fleet(['status', '--json', '--target', 'web1,web2']));
    expect(document.errors).toEqual([]);
    expect([...new Set(document.apps.map((app) => app.target))]).toEqual(['web1', 'web2']);
  });
});

describe('sessions and drain on several targets', () => {
  // /fleet##001 and ##002 on each; on web2 a visitor holds a session on 001.
  beforeAll(async () => {
    await Promise.all(
      WEB.map(async (name) => {
        await deployVersions(name, '/fleet', ['f1']);
        if (name === 'web2') held.push(await openSession(tomcats.web2.baseUrl, '/fleet', '001', 'web2'));
        await deployVersions(name, '/fleet', ['f2']);
      }),
    );
  });

  it('sessions --json: the versions of every target, each with its target; exit 4 for down', async () => {
    const document = jsonOf<{
      versions: { target: string; path: string; version: string; role: string; total: number }[];
      errors: StatusDocument['errors'];
    }>(await fleet(['sessions', '--path', '/fleet', '--json']), 4);
    expect(document.versions.map((v) => [v.target, v.path, v.version, v.role, v.total])).toEqual([
      ['web1', '/fleet', '001', 'drained', 0],
      ['web1', '/fleet', '002', 'live', 0],
      ['web2', '/fleet', '001', 'draining', 1],
      ['web2', '/fleet', '002', 'live', 0],
      ['web3', '/fleet', '001', 'drained', 0],
      ['web3', '/fleet', '002', 'live', 0],
    ]);
    expect(document.errors.map((e) => [e.target, e.error.code])).toEqual([['down', 'E_CONNECT']]);
  });

  it('sessions for people: every heading names its target', async () => {
    const result = expectExit(await fleet(['sessions', '--path', '/fleet']), 4);
    expect(result.stdout).toMatch(/^web2 \/fleet##001 \(draining\): 1 session, timeout 30 min$/m);
    expect(result.stdout).toMatch(/^web1 \/fleet##001 \(drained\): no sessions/m);
    expect(result.stdout).toMatch(/^web3 \/fleet##002 \(live\): no sessions/m);
    expect(result.stdout).toMatch(/^down: cannot be reached: /m);
  });

  it('drain --dry-run for people: one table with a TARGET column, nothing changed', async () => {
    await holdLiveFleet();
    const counted = await countSessions('/fleet');
    const before = await versionsOnEach('/fleet');
    const result = expectExit(await fleet(['drain', '--path', '/fleet', '--grace', '0', '--dry-run']), 4);
    expect(result.stdout).toMatch(/^TARGET\s+APP\s+VERSION\s+SESSIONS\s+ROLE\s+ACTION\s+OUTCOME\s+REASON$/m);
    expect(result.stdout).toMatch(/^web1\s+\/fleet\s+001\s+0\s+drained\s+undeploy\s+planned/m);
    expect(result.stdout).toMatch(/^web2\s+\/fleet\s+001\s+1\s+draining\s+keep\s+kept/m);
    expect(result.stdout).toMatch(/^web3\s+\/fleet\s+001\s+0\s+drained\s+undeploy\s+planned/m);
    expect(result.stdout).toMatch(/Dry run: 2 versions would be undeployed\./);
    expect(result.stdout).toMatch(/^down: cannot be reached: /m);
    expect(await versionsOnEach('/fleet')).toEqual(before);
    expect(sessionChangesOnEach(counted, await countSessions('/fleet'))).toEqual({});
    await expectSessionsKept(held);
  });

  it('drain --json drains the targets that answer, reports down, exits 4', async () => {
    expect(await versionsOnEach('/fleet')).toEqual({
      web1: ['001', '002'],
      web2: ['001', '002'],
      web3: ['001', '002'],
    });
    await holdLiveFleet();
    const counted = await countSessions('/fleet');
    const document = jsonOf<DrainDocument>(
      await fleet(['drain', '--path', '/fleet', '--grace', '0', '--json']),
      4,
    );
    expect(Object.keys(document).sort()).toEqual([
      'apps',
      'dryRun',
      'errors',
      'failed',
      'probes',
      'undeployed',
    ]);
    expect(document).toMatchObject({ dryRun: false, undeployed: 2, failed: 0 });
    expect(document.apps.map((app) => [app.target, app.path, app.live])).toEqual([
      ['web1', '/fleet', '002'],
      ['web2', '/fleet', '002'],
      ['web3', '/fleet', '002'],
    ]);
    const outcomes = document.apps.map((app) => [app.target, app.versions.map((v) => v.outcome)]);
    expect(outcomes).toEqual([
      ['web1', ['undeployed', 'kept']],
      ['web2', ['kept', 'kept']],
      ['web3', ['undeployed', 'kept']],
    ]);
    expect(document.errors.map((e) => [e.target, e.error.code])).toEqual([['down', 'E_CONNECT']]);
    // Really gone on web1 and web3; web2's 001 keeps its session.
    expect(await versionsOnEach('/fleet')).toEqual({
      web1: ['002'],
      web2: ['001', '002'],
      web3: ['002'],
    });
    // What went had no session (web1's and web3's 001); no count changed, every session is the same.
    expect(sessionChangesOnEach(counted, await countSessions('/fleet'))).toEqual({});
    await expectSessionsKept(held);
  });

  it('drain --wait: complete only when every target is; else exit 1 naming what is left where', async () => {
    const counted = await countSessions('/fleet');
    const waited = await fleet([
      'drain',
      '--path',
      '/fleet',
      '--grace',
      '0',
      '--wait',
      '--wait-timeout',
      '1s',
      '--json',
      '--target',
      WEB.join(','),
    ]);
    const document = jsonOf<DrainDocument>(waited, 1);
    expect(document).toMatchObject({ dryRun: false, complete: false, errors: [] });
    expect(document.waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(waited.stderr).toMatch(/Gave up waiting after 1s; still to go on web2: \/fleet##001/);
    expect(waited.stderr).not.toMatch(/still to go on web[13]/);

    const done = jsonOf<DrainDocument>(
      await fleet(['drain', '--path', '/fleet', '--grace', '0', '--wait', '--json', '--target', 'web1,web3']),
    );
    expect(done).toMatchObject({ complete: true, undeployed: 0, failed: 0, errors: [] });
    expect(done.apps.map((app) => app.target)).toEqual(['web1', 'web3']);
    expect(sessionChangesOnEach(counted, await countSessions('/fleet'))).toEqual({});
    await expectSessionsKept(held);
  });
});

interface CycleLine {
  target: string;
  cycle: number;
  startedAt: string;
  report?: { dryRun: boolean; apps: { target: string; path: string }[]; undeployed: number; failed: number };
  error?: { code: string; message: string };
}

describe('drain --every on several targets', () => {
  it('--json: lines of both targets, each with its target; SIGTERM ends every loop with exit 0', async () => {
    const counted = await countAllSessions(['web1', 'web2']);
    const child = spawnCli(['drain', '--every', '30s', '--json', '--target', 'web1,web2'], {
      cwd: dir,
      env: passwords(),
    });
    const done = collect(child, 30_000, ['drain', '--every']);
    await waitForOutput(child, /^(?=[\s\S]*"target":"web1")(?=[\s\S]*"target":"web2")/);
    const signalled = Date.now();
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(1_500);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as CycleLine);
    expect(lines.map((line) => line.target).sort()).toEqual(['web1', 'web2']);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['cycle', 'report', 'startedAt', 'target']);
      expect(line.cycle).toBe(1);
      expect(Object.keys(line.report ?? {}).sort()).toEqual([
        'apps',
        'dryRun',
        'failed',
        'probes',
        'undeployed',
      ]);
      expect(line.report?.apps.length).toBeGreaterThan(0);
      for (const app of line.report?.apps ?? []) expect(app.target).toBe(line.target);
    }
    expect(result.stderr).toBe('');
    expect(sessionChangesOnEach(counted, await countAllSessions(['web1', 'web2']))).toEqual({});
    await expectSessionsKept(held);
  });

  it('for people: each line begins with its target after the time', async () => {
    const counted = await countAllSessions(['web2', 'web3']);
    const child = spawnCli(['drain', '--every', '30s', '--target', 'web2,web3'], {
      cwd: dir,
      env: passwords(),
    });
    const done = collect(child, 30_000, ['drain', '--every']);
    await waitForOutput(child, /^(?=[\s\S]*\d web2: )(?=[\s\S]*\d web3: )/);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d web2: /m);
    expect(result.stdout).toMatch(/^\d\d:\d\d:\d\d web3: /m);
    expect(result.stderr).toMatch(/Draining web2, web3 every 30 s/);
    expect(result.stderr).toMatch(/Stopped/);
    expect(sessionChangesOnEach(counted, await countAllSessions(['web2', 'web3']))).toEqual({});
    await expectSessionsKept(held);
  });

  it('a target that cannot be reached gets error lines while the others drain on', async () => {
    const counted = await countAllSessions(['web1']);
    const child = spawnCli(['--retries', '0', 'drain', '--every', '1s', '--json', '--target', 'web1,down'], {
      cwd: dir,
      env: passwords(),
    });
    const done = collect(child, 30_000, ['drain', '--every']);
    await waitForOutput(child, /"target":"down","cycle":2/);
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as CycleLine);
    const down = lines.filter((line) => line.target === 'down');
    expect(down.length).toBeGreaterThanOrEqual(2);
    for (const line of down) expect(line.error?.code).toBe('E_CONNECT');
    expect(lines.some((line) => line.target === 'web1' && line.report !== undefined)).toBe(true);
    expect(sessionChangesOnEach(counted, await countAllSessions(['web1']))).toEqual({});
    await expectSessionsKept(held);
  });

  // A refused login would be refused every cycle (and a 401 repeated locks the user out), so it
  // ends that target's loop, stops the others, and the command exits with its code.
  it('a target that refuses the user stops every loop and exits 4', async () => {
    const gui = tomcats.web3.users.guiOnly;
    const config = join(dir, 'refused.json');
    await writeFile(
      config,
      JSON.stringify({
        targets: [
          {
            name: 'web1',
            url: tomcats.web1.managerUrl,
            user: tomcats.web1.user,
            passwordEnv: 'WEB1_PASSWORD',
          },
          { name: 'gui', url: tomcats.web3.managerUrl, user: gui.name, passwordEnv: 'GUI_PASSWORD' },
        ],
      }),
    );
    const counted = await countAllSessions(['web1', 'web3']);
    const started = Date.now();
    const result = await runCli(['--config', config, 'drain', '--every', '1s', '--json'], {
      env: { ...passwords(), GUI_PASSWORD: gui.password },
      timeoutMs: 15_000,
    });
    expectExit(result, 4);
    expect(Date.now() - started).toBeLessThan(10_000);
    const lines = result.stdout.trimEnd().split('\n');
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ error: { code: 'E_FORBIDDEN' } });
    for (const line of lines.slice(0, -1)) expect(JSON.parse(line)).toMatchObject({ target: 'web1' });
    expect(sessionChangesOnEach(counted, await countAllSessions(['web1', 'web3']))).toEqual({});
    await expectSessionsKept(held);
  });
});
