import { describe, expect, it } from 'vitest';
import { cliAgainst, expectExit, jsonOf } from './cli-helpers.js';
import { buildFailingWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import {
  expectSessionsKept,
  expectSessionsLost,
  heldBy,
  openSession,
  openSessions,
  sessionChanges,
  sessionsByVersion,
  sessionsLost,
} from './session-counts.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);

interface StatusDocument {
  apps: {
    path: string;
    live: string | null;
    versions: { version: string; sessions: number; role: string }[];
  }[];
}

/** `[version, role, sessions]` of every version of `path`, from `tomcat-pd status --json`. */
async function versionsOf(path: string): Promise<[string, string, number][]> {
  const document = jsonOf<StatusDocument>(await cli(['status', '--path', path, '--json']));
  return (document.apps[0]?.versions ?? []).map((v) => [v.version, v.role, v.sessions]);
}

describe('the whole parallel deployment cycle through the built CLI', () => {
  it('deploy, sessions stay, status, drain, rollback', async () => {
    const { tomcat, warDir } = fixture;
    const v1 = await buildTestWar(warDir, { label: 'one' });
    const v2 = await buildTestWar(warDir, { label: 'two' });
    const v3 = await buildTestWar(warDir, { label: 'three' });

    // 1. The first version.
    const first = expectExit(await cli(['deploy', v1, '--path', '/cycle']), 0);
    expect(first.stdout).toMatch(/Version 001 of \/cycle is live/);

    // 2. A visitor opens a session on it.
    const early = new Visitor(tomcat.baseUrl);
    const opened = await early.get('/cycle/');
    expect(opened).toMatchObject({ status: 200, label: 'one', version: '001' });

    // 3. The second version: it goes live and says where the old session is.
    const second = expectExit(await cli(['deploy', v2, '--path', '/cycle']), 0);
    expect(second.stdout).toMatch(/Version 002 of \/cycle is live .*\(was 001\)/);
    expect(second.stdout).toContain(`${tomcat.managerUrl}: 001 keeps 1 session\n`);

    // 4. The old session still gets 001; a new visitor gets 002 (and opens a session there).
    expect(await early.get('/cycle/')).toMatchObject({
      label: 'one',
      version: '001',
      sessionId: opened.sessionId,
    });
    const newcomer = new Visitor(tomcat.baseUrl);
    const joined = await newcomer.get('/cycle/');
    expect(joined).toMatchObject({ label: 'two', version: '002' });
    const onLive = heldBy(newcomer, '/cycle', joined);
    const counted = await sessionsByVersion(fixture.client, '/cycle');
    expect(counted).toEqual({ '001': 1, '002': 1 });

    // 5. status shows one session on each: 001 draining, 002 live (table and JSON).
    const table = expectExit(await cli(['status', '--path', '/cycle']), 0);
    expect(table.stdout).toMatch(/\/cycle\s+001\s+running\s+1\s+draining/);
    expect(table.stdout).toMatch(/\/cycle\s+002\s+running\s+1\s+live/);
    // Not a TTY: no colour codes, though NO_COLOR is not set.
    expect(table.stdout + table.stderr).not.toContain(String.fromCharCode(27));
    expect(await versionsOf('/cycle')).toEqual([
      ['001', 'draining', 1],
      ['002', 'live', 1],
    ]);

    // 6. sessions: one per version, and reading them expires nothing.
    const sessions = expectExit(await cli(['sessions', '--path', '/cycle']), 0);
    expect(sessions.stdout).toMatch(/\/cycle##001 \(draining\): 1 session/);
    expect(sessions.stdout).toMatch(/\/cycle##002 \(live\): 1 session/);
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/cycle'))).toEqual({});

    // 7. drain while the session lives: 001 is kept, and says why.
    const kept = expectExit(await cli(['drain', '--path', '/cycle', '--grace', '0']), 0);
    expect(kept.stdout).toMatch(/001.*draining: 1 session/);
    expect(await versionsOf('/cycle')).toEqual([
      ['001', 'draining', 1],
      ['002', 'live', 1],
    ]);
    expect(await early.get('/cycle/')).toMatchObject({ version: '001', sessionId: opened.sessionId });
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/cycle'))).toEqual({});
    await expectSessionsKept([onLive]);

    // 8. A dry run that would expire the idle sessions: it changes nothing.
    const dry = expectExit(
      await cli(['drain', '--path', '/cycle', '--expire-idle', '0', '--grace', '0', '--dry-run']),
      0,
    );
    expect(dry.stdout).toMatch(/\/cycle\s+001\s+1\s+draining\s+expire-then-undeploy\s+planned/);
    expect(dry.stdout).toMatch(/Dry run: 1 version would be undeployed/);
    expect(await versionsOf('/cycle')).toEqual([
      ['001', 'draining', 1],
      ['002', 'live', 1],
    ]);
    expect(await early.get('/cycle/')).toMatchObject({ version: '001', sessionId: opened.sessionId });
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/cycle'))).toEqual({});
    await expectSessionsKept([onLive]);

    // 9. Expire the idle session of 001, then it is drained and goes; the live one is untouched.
    const drained = expectExit(
      await cli(['drain', '--path', '/cycle', '--expire-idle', '0', '--grace', '200ms']),
      0,
    );
    expect(drained.stdout).toMatch(/001.*undeployed/);
    expect(drained.stdout).toMatch(/Undeployed 1 version/);
    expect(await versionsOf('/cycle')).toEqual([['002', 'live', 1]]);
    // Exactly the idle session of 001 went; the one on the live version is the same session.
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/cycle'))).toEqual({ '001': -1 });
    await expectSessionsKept([onLive]);
    // The old cookie now reaches the live version.
    expect(await early.get('/cycle/')).toMatchObject({ label: 'two', version: '002' });

    // 10. A rollback with nothing older running is refused by a safety rule; nothing changes.
    const beforeRefusal = await sessionsByVersion(fixture.client, '/cycle');
    const refused = expectExit(await cli(['rollback', '--path', '/cycle']), 3);
    expect(refused.stderr).toMatch(/no older version is running/);
    expect((await versionsOf('/cycle')).map(([version]) => version)).toEqual(['002']);
    expect(sessionChanges(beforeRefusal, await sessionsByVersion(fixture.client, '/cycle'))).toEqual({});
    await expectSessionsKept([onLive]);

    // 11. Deploy 003, roll back: 003 goes, 002 is live again for new visitors.
    expectExit(await cli(['deploy', v3, '--path', '/cycle']), 0);
    expect(await new Visitor(tomcat.baseUrl).get('/cycle/')).toMatchObject({
      label: 'three',
      version: '003',
    });
    const onNewest = await openSession(tomcat.baseUrl, '/cycle', '003');
    const beforeRollback = await sessionsByVersion(fixture.client, '/cycle');
    expect(beforeRollback).toEqual({ '002': 2, '003': 2 });
    const rolledBack = expectExit(await cli(['rollback', '--path', '/cycle']), 0);
    expect(rolledBack.stdout).toMatch(/002 is live again/);
    expect(rolledBack.stdout).toMatch(/003/);
    // Exactly the sessions of 003 are lost, as the command says; 002 keeps every one of its own.
    const afterRollback = await sessionsByVersion(fixture.client, '/cycle');
    expect(sessionChanges(beforeRollback, afterRollback)).toEqual({ '003': -2 });
    expect(rolledBack.stdout).toContain(`${sessionsLost(beforeRollback, afterRollback)} sessions lost`);
    await expectSessionsKept([onLive]);
    await expectSessionsLost([onNewest], '002');
    expect((await versionsOf('/cycle')).map(([version, role]) => [version, role])).toEqual([['002', 'live']]);
    expect(await new Visitor(tomcat.baseUrl).get('/cycle/')).toMatchObject({ label: 'two', version: '002' });
  });

  it('refuses a version that would not be live (exit 3) and uploads nothing', async () => {
    const war = await buildTestWar(fixture.warDir, { label: 'order' });
    expectExit(await cli(['deploy', war, '--path', '/order', '--version', '010']), 0);
    const holders = await openSessions(fixture.tomcat.baseUrl, '/order', 2, '010');
    const before = await versionsOf('/order');
    expect(before).toEqual([['010', 'live', 2]]);
    const lower = expectExit(await cli(['deploy', war, '--path', '/order', '--version', '009']), 3);
    expect(lower.stderr).toMatch(/009/);
    expect(lower.stderr).toMatch(/hint: /);
    // An existing version is never overwritten without --update.
    const existing = expectExit(await cli(['deploy', war, '--path', '/order', '--version', '010']), 3);
    expect(existing.stderr).toMatch(/010/);
    expect(await versionsOf('/order')).toEqual(before);
    // Both refusals kept every session of 010.
    await expectSessionsKept(holders);
  });

  it('undeploy refuses the live version without --force (exit 3) and removes an old one', async () => {
    const war = await buildTestWar(fixture.warDir, { label: 'undep' });
    expectExit(await cli(['deploy', war, '--path', '/undep']), 0);
    expectExit(await cli(['deploy', war, '--path', '/undep']), 0);
    const onLive = await openSessions(fixture.tomcat.baseUrl, '/undep', 2, '002');
    const counted = await sessionsByVersion(fixture.client, '/undep');
    const live = expectExit(await cli(['undeploy', '--path', '/undep', '--version', '002']), 3);
    expect(live.stderr).toMatch(/live/);
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/undep'))).toEqual({});
    await expectSessionsKept(onLive);
    const old = expectExit(await cli(['undeploy', '--path', '/undep', '--version', '001']), 0);
    expect(old.stdout).toMatch(/Undeployed \/undep##001/);
    expect((await versionsOf('/undep')).map(([version]) => version)).toEqual(['002']);
    // 001 had no session; 002 keeps its own.
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/undep'))).toEqual({});
    await expectSessionsKept(onLive);
  });

  it('a WAR whose context fails to start: exit 1, nothing left behind, the live version serves on', async () => {
    const good = await buildTestWar(fixture.warDir, { label: 'fine' });
    expectExit(await cli(['deploy', good, '--path', '/fails']), 0);
    const holders = await openSessions(fixture.tomcat.baseUrl, '/fails', 2, '001');
    const counted = await sessionsByVersion(fixture.client, '/fails');
    const failed = await cli(['deploy', await buildFailingWar(fixture.warDir, 'broken'), '--path', '/fails']);
    expectExit(failed, 1);
    expect(failed.stderr).toMatch(/^error: /m);
    expect((await versionsOf('/fails')).map(([version, role]) => [version, role])).toEqual([['001', 'live']]);
    expect(sessionChanges(counted, await sessionsByVersion(fixture.client, '/fails'))).toEqual({});
    await expectSessionsKept(holders);
    expect(await new Visitor(fixture.tomcat.baseUrl).get('/fails/')).toMatchObject({ label: 'fine' });
  });
});
