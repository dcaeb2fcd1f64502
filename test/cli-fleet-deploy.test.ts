import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOSED_URL, collect, expectExit, jsonOf, spawnCli } from './cli-helpers.js';
import { NAMES, useFleet, type Name } from './fleet-fixture.js';
import { buildFailingWar, buildLargeWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  clientOf,
  expectSessionsKept,
  openSession,
  sessionChangesOnEach,
  sessionsOnEach,
  type SessionHolder,
} from './session-counts.js';

// Three real Tomcats behind one config file: every command works on the set of its targets, and
// a deploy is all or nothing (safety rule 5, docs/architecture.md#safety-rules).

/** tomcat-pd.json holds web1..web3; with-down.json has web3 on a closed port. */
const fx = useFleet(async ({ dir, target }) => {
  await writeFile(
    join(dir, 'with-down.json'),
    JSON.stringify({ targets: [target('web1'), target('web2'), target('web3', { url: CLOSED_URL })] }),
  );
});
const { fleet } = fx;

async function war(label: string): Promise<string> {
  return buildTestWar(fx.dir, { label });
}

interface StatusDocument {
  apps: {
    target: string;
    path: string;
    live: string | null;
    versions: { version: string; state: string }[];
  }[];
}

/** `web1: ['001 running', '002 running']`: every version of `path` on each of web1..web3, from `status --json`. */
async function versionsOf(path: string): Promise<Record<Name, string[]>> {
  const document = jsonOf<StatusDocument>(await fleet(['status', '--path', path, '--json']));
  const versions = { web1: [], web2: [], web3: [] } as Record<Name, string[]>;
  for (const app of document.apps.filter((a) => a.path === path)) {
    versions[app.target as Name].push(...app.versions.map((v) => `${v.version} ${v.state}`));
  }
  return versions;
}

/** The same versions, all running, on every target. */
function everywhere(...versions: string[]): Record<Name, string[]> {
  const running = versions.map((version) => `${version} running`);
  return { web1: running, web2: running, web3: running };
}

type Json = Record<string, unknown>;

/** The sessions of each version of `path` on each of `names` (default web1..web3), counted by the library. */
function countSessions(path: string, names: readonly Name[] = NAMES) {
  return sessionsOnEach(Object.fromEntries(names.map((name) => [name, clientOf(fx.tomcats[name])])), path);
}

/** A new session on the live version of `path` on each of `names` (default web1..web3). */
async function holdOnEach(path: string, names: readonly Name[] = NAMES): Promise<SessionHolder[]> {
  return Promise.all(names.map((name) => openSession(fx.tomcats[name].baseUrl, path, undefined, name)));
}

interface DeployDocument {
  path: string;
  version: string;
  displayName: string;
  targets: {
    target: string;
    live: string;
    previousLive: string | null;
    olderVersions: { version: string; sessions: number }[];
    bytes: number;
    durationMs: number;
  }[];
}

describe('deploy to several Tomcats: one version everywhere, all or nothing', () => {
  it('one target ahead: the next version is computed from all of them and goes live on each', async () => {
    const v1 = await war('ahead1');
    // web1 has 001, 002, 003; web2 and web3 have 001 only.
    for (let i = 0; i < 3; i += 1)
      expectExit(await fleet(['deploy', v1, '--path', '/ahead', '--target', 'web1']), 0);
    const first = jsonOf<DeployDocument>(
      await fleet(['deploy', v1, '--path', '/ahead', '--target', 'web2,web3', '--json']),
    );
    expect(first.version).toBe('001');
    expect(first.targets.map((t) => t.target)).toEqual(['web2', 'web3']);

    const result = await fleet(['deploy', await war('ahead4'), '--path', '/ahead', '--json']);
    const document = jsonOf<DeployDocument>(result);
    expect(Object.keys(document).sort()).toEqual([
      'analysis',
      'check',
      'displayName',
      'path',
      'probes',
      'targets',
      'version',
    ]);
    expect(document).toMatchObject({ path: '/ahead', version: '004', displayName: '/ahead##004' });
    expect(document.targets.map((t) => Object.keys(t).sort())).toEqual(
      NAMES.map(() => ['bytes', 'durationMs', 'live', 'olderVersions', 'previousLive', 'target']),
    );
    expect(document.targets.map(({ target, live, previousLive }) => [target, live, previousLive])).toEqual([
      ['web1', '004', '003'],
      ['web2', '004', '001'],
      ['web3', '004', '001'],
    ]);
    expect(document.targets[0]?.olderVersions).toEqual([
      { version: '001', sessions: 0 },
      { version: '002', sessions: 0 },
      { version: '003', sessions: 0 },
    ]);
    expect(document.targets[1]?.olderVersions).toEqual([{ version: '001', sessions: 0 }]);
    for (const target of document.targets) {
      expect(target.bytes).toBeGreaterThan(0);
      expect(target.durationMs).toBeTypeOf('number');
    }
    // The whole output is the one document: the progress messages are not on stdout.
    expect(result.stdout.trim().startsWith('{')).toBe(true);
    expect(await versionsOf('/ahead')).toEqual({
      web1: ['001 running', '002 running', '003 running', '004 running'],
      web2: ['001 running', '004 running'],
      web3: ['001 running', '004 running'],
    });
    // New visitors get 004 on web1 and web3 (and open a session there, which the next test counts).
    for (const name of ['web1', 'web3'] as const) {
      expect(await new Visitor(fx.tomcats[name].baseUrl).get('/ahead/')).toMatchObject({
        label: 'ahead4',
        version: '004',
      });
    }
  });

  it('for people: where it is live, what was live, and where the old sessions are, per target', async () => {
    // One session on 004 on web1 and on web3 (the test above), none on web2: they stay there when 005 goes live.
    const result = expectExit(await fleet(['deploy', await war('ahead5'), '--path', '/ahead']), 0);
    expect(result.stdout).toBe(
      'Version 005 of /ahead is live on 3 targets (was 004).\n' +
        'web1: 004 keeps 1 session\n' +
        'web2: no sessions remain on older versions\n' +
        'web3: 004 keeps 1 session\n',
    );
    // Not a TTY: no progress bars, but one "waiting" line per target on stderr.
    for (const name of NAMES)
      expect(result.stderr).toContain(`waiting for Tomcat to start /ahead##005 on ${name}`);
    expect(result.stderr).not.toContain('\u001b');
  });

  it('a target that cannot be reached: exit 4, it is named, nothing is uploaded anywhere', async () => {
    expectExit(await fleet(['deploy', await war('down1'), '--path', '/down']), 0);
    const before = await versionsOf('/down');
    expect(before).toEqual(everywhere('001'));
    const holders = await holdOnEach('/down');
    const counted = await countSessions('/down');
    const result = await fleet([
      'deploy',
      await war('down2'),
      '--path',
      '/down',
      '--config',
      join(fx.dir, 'with-down.json'),
      '--retries',
      '0',
    ]);
    expectExit(result, 4);
    expect(result.stderr).toMatch(/^error: .*web3/m);
    // The release lock is the first contact with the targets (docs/lock.md): it names the target
    // and takes nothing anywhere, so nothing is uploaded.
    expect(result.stderr).toMatch(/release lock could not be taken on web3: .*nothing is locked anywhere/);
    expect(result.stdout).toBe('');
    expect(await versionsOf('/down')).toEqual(before);
    // The refused deploy loses no session on the targets it reached.
    expect(sessionChangesOnEach(counted, await countSessions('/down'))).toEqual({});
    await expectSessionsKept(holders);
  });

  it('a version that one target already has: refused before any upload (exit 3), on no target', async () => {
    const v = await war('exists');
    expectExit(await fleet(['deploy', v, '--path', '/exists']), 0);
    // A session on 001 everywhere, and on web2 one on 005 too.
    const holders = await holdOnEach('/exists');
    expectExit(await fleet(['deploy', v, '--path', '/exists', '--target', 'web2', '--version', '005']), 0);
    holders.push(...(await holdOnEach('/exists', ['web2'])));
    const counted = await countSessions('/exists');
    expect(counted).toEqual({ web1: { '001': 1 }, web2: { '001': 1, '005': 1 }, web3: { '001': 1 } });
    const before = await versionsOf('/exists');
    expect(before).toEqual({
      web1: ['001 running'],
      web2: ['001 running', '005 running'],
      web3: ['001 running'],
    });
    const result = await fleet(['deploy', v, '--path', '/exists', '--version', '005', '--json']);
    const { error } = jsonOf<{ error: Json & { targets: Json[] } }>(result, 3);
    expect(error).toMatchObject({ code: 'E_UNSAFE', message: expect.stringMatching(/web2.*005/) });
    expect(error.targets.map((t) => t.outcome)).toEqual(['not-started', 'not-started', 'not-started']);
    expect(await versionsOf('/exists')).toEqual(before);
    expect(sessionChangesOnEach(counted, await countSessions('/exists'))).toEqual({});
    await expectSessionsKept(holders);
  });

  it('--canary 1 with a WAR that does not start: it fails on the canary, the others are never touched', async () => {
    expectExit(await fleet(['deploy', await war('canary'), '--path', '/canary']), 0);
    const before = await versionsOf('/canary');
    expect(before).toEqual(everywhere('001'));
    const holders = await holdOnEach('/canary');
    const counted = await countSessions('/canary');
    const broken = await buildFailingWar(fx.dir, 'canary');
    const result = await fleet(['deploy', broken, '--path', '/canary', '--canary', '1', '--json']);
    const { error } = jsonOf<{ error: Json & { targets: Json[] } }>(result, 1);
    expect(error.message).toMatch(/failed on web1/);
    expect(error.targets.map(({ target, outcome }) => [target, outcome])).toEqual([
      ['web1', 'failed'],
      ['web2', 'not-started'],
      ['web3', 'not-started'],
    ]);
    // web1 removed the context that failed to start; the others never saw 002.
    expect(await versionsOf('/canary')).toEqual(before);
    // Not one session lost, on the canary either.
    expect(sessionChangesOnEach(counted, await countSessions('/canary'))).toEqual({});
    await expectSessionsKept(holders);
    for (const name of NAMES) {
      expect(await new Visitor(fx.tomcats[name].baseUrl).get('/canary/')).toMatchObject({ version: '001' });
    }
  });

  it('--canary with a bad value is a usage error (exit 2)', async () => {
    // /canary##001 of the test above, with a session on each target.
    const holders = await holdOnEach('/canary');
    const counted = await countSessions('/canary');
    const result = await fleet(['deploy', await war('canary'), '--path', '/canary', '--canary', 'x']);
    expectExit(result, 2);
    expect(result.stderr).toContain('--canary');
    expect(sessionChangesOnEach(counted, await countSessions('/canary'))).toEqual({});
    await expectSessionsKept(holders);
  });
});

describe('rollback and undeploy on several Tomcats', () => {
  /** A session on /rb##002 on each target, opened by the first test: the version every rollback here keeps. */
  const onTwo: SessionHolder[] = [];

  it('rollback refuses everywhere (exit 3) when one target has nothing older, and changes nothing', async () => {
    const v = await war('rb');
    // web1 and web2: 001 and 002; web3: 002 only.
    expectExit(await fleet(['deploy', v, '--path', '/rb', '--target', 'web1,web2']), 0);
    expectExit(await fleet(['deploy', v, '--path', '/rb']), 0);
    onTwo.push(...(await holdOnEach('/rb')));
    const counted = await countSessions('/rb');
    const before = await versionsOf('/rb');
    expect(before).toEqual({
      web1: ['001 running', '002 running'],
      web2: ['001 running', '002 running'],
      web3: ['002 running'],
    });
    const refused = expectExit(await fleet(['rollback', '--path', '/rb']), 3);
    expect(refused.stderr).toMatch(/^error: .*web3/m);
    expect(refused.stderr).toMatch(/Nothing was changed on any target/);
    expect(refused.stdout).toBe('');
    expect(await versionsOf('/rb')).toEqual(before);
    // The refusal kept every session of 002, the version it would have removed.
    expect(sessionChangesOnEach(counted, await countSessions('/rb'))).toEqual({});
    await expectSessionsKept(onTwo);
  });

  it('rollback works on every target when each has an older running version', async () => {
    expectExit(await fleet(['deploy', await war('rb3'), '--path', '/rb']), 0);
    const counted = await countSessions('/rb');
    const result = await fleet(['rollback', '--path', '/rb', '--json']);
    const document = jsonOf<{ path: string; targets: Json[] }>(result);
    expect(Object.keys(document).sort()).toEqual(['path', 'probes', 'targets']);
    expect(document.path).toBe('/rb');
    expect(document.targets).toEqual(
      NAMES.map((target) => ({
        target,
        from: '003',
        live: '002',
        action: 'undeployed',
        versions: ['003'],
        sessionsLost: 0,
        warnings: [],
      })),
    );
    expect(await versionsOf('/rb')).toEqual({
      web1: ['001 running', '002 running'],
      web2: ['001 running', '002 running'],
      web3: ['002 running'],
    });
    // 003 had no session (sessionsLost 0 is the counted difference); 002, rolled back to, keeps all of its own.
    expect(counted).toEqual({
      web1: { '001': 0, '002': 1, '003': 0 },
      web2: { '001': 0, '002': 1, '003': 0 },
      web3: { '002': 1, '003': 0 },
    });
    expect(sessionChangesOnEach(counted, await countSessions('/rb'))).toEqual({});
    await expectSessionsKept(onTwo);
  });

  it('rollback --stop for people: one line per target, the restart warning once', async () => {
    expectExit(await fleet(['deploy', await war('rb4'), '--path', '/rb']), 0);
    const counted = await countSessions('/rb');
    const result = expectExit(await fleet(['rollback', '--path', '/rb', '--stop']), 0);
    expect(result.stdout).toBe(
      NAMES.map((name) => `${name}: 002 is live again (stopped 003)`).join('\n') + '\n',
    );
    expect(result.stderr.match(/^warning: .*restart/gm)).toHaveLength(1);
    // No "sessions lost" above: the stopped 003 had none; 002 keeps its own.
    expect(sessionChangesOnEach(counted, await countSessions('/rb'))).toEqual({});
    await expectSessionsKept(onTwo);
  });

  it('undeploy: done where the version is, an error for the target without it (exit 1)', async () => {
    const counted = await countSessions('/rb');
    const result = await fleet(['undeploy', '--path', '/rb', '--version', '001', '--json']);
    const document = jsonOf<{ path: string; version: string; targets: Json[]; errors: Json[] }>(result, 1);
    expect(document).toMatchObject({
      path: '/rb',
      version: '001',
      targets: [
        { target: 'web1', wasLive: false, sessionsLost: 0 },
        { target: 'web2', wasLive: false, sessionsLost: 0 },
      ],
    });
    expect(document.errors).toEqual([
      { target: 'web3', error: { code: 'E_NOT_FOUND', message: expect.stringContaining('web3') } },
    ]);
    expect(result.stderr).toMatch(/^error: .*not deployed on web3/m);
    expect((await versionsOf('/rb')).web1).toEqual(['002 running', '003 stopped']);
    // sessionsLost 0 is the counted difference: 001 had none, and 002 keeps its own.
    expect(sessionChangesOnEach(counted, await countSessions('/rb'))).toEqual({});
    await expectSessionsKept(onTwo);
  });
});

describe('wall time', () => {
  it('a deploy to 1 target and to 3 (logged for the issue, not asserted)', async () => {
    const large = await buildLargeWar(fx.dir, 20 * 1024 * 1024, 'timing');
    const times: Record<'one' | 'three', number[]> = { one: [], three: [] };
    // Interleaved, so that a noisy moment hurts both alike.
    for (let run = 0; run < 2; run += 1) {
      let started = performance.now();
      expectExit(await fleet(['deploy', large, '--path', `/one${run}`, '--target', 'web1']), 0);
      times.one.push(performance.now() - started);
      started = performance.now();
      expectExit(await fleet(['deploy', large, '--path', `/three${run}`]), 0);
      times.three.push(performance.now() - started);
    }
    const show = (list: number[]) => list.map((ms) => `${ms.toFixed(0)} ms`).join(', ');
    console.log(
      `[fleet wall time] tomcat-pd deploy of a 20 MB WAR: 1 target ${show(times.one)}; 3 targets ${show(times.three)}`,
    );
  });
});

describe('a target lost in the middle of a deploy', () => {
  // Last in the file: web3 is killed. --canary 2 --parallel 1: web1 then web2 take the version
  // while web3, already read and planned, goes down; its wave then fails and the version is
  // removed from web1 and web2 again.
  it('the version is undeployed from the targets that took it (exit 4)', async () => {
    expectExit(await fleet(['deploy', await war('lost1'), '--path', '/lost']), 0);
    // Sessions on 001 where the deploy is undone (web3 goes down, and its sessions with it).
    const holders = await holdOnEach('/lost', ['web1', 'web2']);
    const counted = await countSessions('/lost', ['web1', 'web2']);
    const large = await buildLargeWar(fx.dir, 30 * 1024 * 1024, 'lost2');
    const child = spawnCli(
      ['deploy', large, '--path', '/lost', '--canary', '2', '--parallel', '1', '--retries', '0'],
      {
        cwd: fx.dir,
        env: fx.env,
      },
    );
    const done = collect(child, 60_000);
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr.on('data', (chunk: string) => {
        seen += chunk;
        if (/web1: deploying/.test(seen)) resolve();
      });
      // Should it end before that, the checks below show its output.
      child.on('close', () => resolve());
    });
    await fx.tomcats.web3.kill();
    const result = expectExit(await done, 4);
    expect(result.stderr).toMatch(/^error: Deploy of \/lost##002 failed on web3/m);
    expect(result.stderr).toMatch(/^ {2}web1: undone/m);
    expect(result.stderr).toMatch(/^ {2}web2: undone/m);
    expect(result.stderr).toMatch(/^ {2}web3: failed/m);
    const status = jsonOf<StatusDocument>(
      await fleet(['status', '--path', '/lost', '--json', '--target', 'web1,web2']),
    );
    expect(status.apps.map((app) => [app.target, app.versions.map((v) => v.version)])).toEqual([
      ['web1', ['001']],
      ['web2', ['001']],
    ]);
    // Undoing the deploy lost none of them.
    expect(sessionChangesOnEach(counted, await countSessions('/lost', ['web1', 'web2']))).toEqual({});
    await expectSessionsKept(holders);
  });
});
