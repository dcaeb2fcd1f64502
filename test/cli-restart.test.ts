import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBalancer } from '@tomcat-pd/core/balancers';
import type { HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { collect, expectExit, jsonOf, runCli, spawnCli } from './cli-helpers.js';
import { startRestarter, type Restarter } from './restarter.js';
import { startRoutedTomcats, visitorOn, type RoutedTomcats, startHaproxyInFront } from './routed-tomcats.js';

// `tomcat-pd restart --exec` as a user runs it: the built CLI, a real haproxy in front of two
// real Tomcats. The command really restarts a Tomcat: it asks a small server in this process,
// which restarts the Tomcat it names and answers once it is started again.

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let haproxy: HaproxyInstance;
let dir: string;
let restarter: Restarter | undefined;
/** HAProxy's admin state of web1 and web2 when each command came, read by this process. */
const statesAtCommand: Record<string, string>[] = [];
/** Set by a test: the next command breaks this Tomcat's app first (it then fails to start). */
let breakAppOf: LocalTomcatInstance | undefined;

const env = () => ({ WEB1_PW: tomcats[0]!.password, WEB2_PW: tomcats[1]!.password });
const cli = (args: readonly string[]) => runCli(args, { cwd: dir, env: env(), timeoutMs: 50_000 });
/** The command that restarts the target through the restarter (`stop`: stops it for good). */
const exec = (action: 'restart' | 'stop' = 'restart') =>
  `curl -sf ${restarter!.url}/${action}/$TOMCAT_PD_TARGET`;
/** Lets a target's visitors go with the roll (their sessions are lost): a session an earlier test left does not hold it. */
const PROCEED = ['--max-drain', '1s', '--on-max-drain', 'proceed'];

interface StepDocument {
  step: string;
  startedAt: string;
  durationMs: number;
  outcome: string;
}
interface RestartDocument {
  targets: { target: string; outcome: string; sessionsLost: number; steps: StepDocument[] }[];
}

/** Rewrites the web.xml of the app expanded in the Tomcat's webapps (`rs`, `rs##VERSION`); resolves with what it was. */
async function writeWebXml(tomcat: LocalTomcatInstance, text: (before: string) => string): Promise<string> {
  const webapps = join(tomcat.catalinaBase, 'webapps');
  const [app] = (await readdir(webapps, { withFileTypes: true })).filter(
    (entry) => entry.isDirectory() && /^rs(##|$)/.test(entry.name),
  );
  const file = join(webapps, app!.name, 'WEB-INF/web.xml');
  const before = await readFile(file, 'utf8');
  await writeFile(file, text(before));
  return before;
}

async function states(): Promise<Record<string, string>> {
  const document = jsonOf<{ balancers: { members: { name: string; admin: string }[] }[] }>(
    await cli(['lb', 'status', '--json']),
  );
  return Object.fromEntries(document.balancers[0]!.members.map((member) => [member.name, member.admin]));
}

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/rs' });
  ({ tomcats, dir } = fleet);
  haproxy = await startHaproxyInFront(fleet);
  const lb = createBalancer({
    name: 'lb1',
    type: 'haproxy',
    socket: haproxy.adminSocket,
    backend: 'tomcats',
  });
  restarter = await startRestarter(tomcats, async () => {
    const reading = await lb.read();
    statesAtCommand.push(Object.fromEntries(reading.members.map((member) => [member.name, member.admin])));
    if (breakAppOf !== undefined) await writeWebXml(breakAppOf, () => '<web-app broken');
    breakAppOf = undefined;
  });
  await writeFile(
    join(dir, 'tomcat-pd.json'),
    JSON.stringify({
      targets: tomcats.map((tomcat, index) => ({
        name: `web${index + 1}`,
        url: tomcat.managerUrl,
        user: tomcat.user,
        passwordEnv: `WEB${index + 1}_PW`,
      })),
      balancers: [{ name: 'lb1', type: 'haproxy', socket: haproxy.adminSocket, backend: 'tomcats' }],
    }),
  );
});

afterAll(async () => {
  await restarter?.close();
  await haproxy?.stop();
  await fleet?.stop();
});

describe('tomcat-pd restart against a real haproxy in front of two Tomcats', () => {
  it('--dry-run prints the order --target gives and changes nothing', async () => {
    const result = expectExit(
      await cli(['--target', 'web2,web1', 'restart', '--dry-run', '--exec', 'false']),
      0,
    );
    expect(result.stdout.split('\n').map((line) => line.slice(0, 8))).toEqual(['1. web2:', '2. web1:', '']);
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
  });

  it('restarts both in turn, each drained then in maint before its command and ready after; no visitor gets an error', async () => {
    const pids = tomcats.map((tomcat) => tomcat.pid);
    let rolling = true;
    const errors: string[] = [];
    let visits = 0;
    // New visitors through HAProxy all along the roll (health.txt makes no session to drain).
    const visiting = (async () => {
      while (rolling && visits < 5_000) {
        visits++;
        const answer = await fetch(`${haproxy.url}/rs/health.txt`).then(
          (response) => String(response.status),
          (error: unknown) => String(error),
        );
        if (answer !== '200') errors.push(answer);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const result = await cli(['restart', '--json', '--exec', exec(), '--start-timeout', '40s']).finally(
      () => (rolling = false),
    );
    await visiting;
    const document = jsonOf<RestartDocument>(expectExit(result, 0));

    expect(restarter!.asked).toEqual(['web1', 'web2']);
    expect(statesAtCommand).toEqual([
      { web1: 'maint', web2: 'ready' },
      { web1: 'ready', web2: 'maint' },
    ]);
    expect(tomcats.map((tomcat) => tomcat.pid)).not.toContain(pids[0]);
    expect(tomcats[1]!.pid).not.toBe(pids[1]);
    expect(document.targets.map((t) => [t.target, t.outcome, t.sessionsLost])).toEqual([
      ['web1', 'done', 0],
      ['web2', 'done', 0],
    ]);
    for (const target of document.targets) {
      expect(target.steps.map((s) => s.step)).toEqual([
        'drain',
        'drained',
        'maint',
        'exec',
        'started',
        'probe',
        'ready',
      ]);
      expect(target.steps.every((s) => s.outcome === 'done')).toBe(true);
    }
    // web2's roll began after web1's ended.
    const web1 = document.targets[0]!.steps.at(-1)!;
    expect(Date.parse(document.targets[1]!.steps[0]!.startedAt)).toBeGreaterThanOrEqual(
      Date.parse(web1.startedAt) + web1.durationMs,
    );
    expect(result.stderr).toContain('web1| restarted web1');
    expect(visits).toBeGreaterThan(20);
    expect(errors).toEqual([]);
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
    for (const tomcat of tomcats) expect((await fetch(`${tomcat.baseUrl}/rs/health.txt`)).status).toBe(200);
  });

  it('SIGTERM while it waits for web1 to drain puts web1 back to ready and runs no command', async () => {
    // A visitor with a session on web1: the drain waits for it.
    await visitorOn(haproxy.url, '/rs/', 'web1');
    const child = spawnCli(['restart', '--exec', exec()], { cwd: dir, env: env() });
    const done = collect(child, 30_000, ['restart']);
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr.on('data', (chunk: Buffer | string) => {
        seen += String(chunk);
        if (seen.includes('web1: wait until drained')) resolve();
      });
    });
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('Stopped restarting web1 at step drained');
    expect(result.stderr).toContain('It was put back to the state it had');
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
    expect(restarter!.asked).toEqual(['web1', 'web2']);
  });

  it('--on-max-drain proceed goes on; a command that fails on the first target leaves it in maint, the second untouched, exit 1 with the resume hint', async () => {
    const pid = tomcats[1]!.pid;
    // The session the test before left on web1 outlasts --max-drain: proceed says so and goes on.
    const result = expectExit(
      await cli(['restart', '--exec', 'false', '--max-drain', '2s', '--on-max-drain', 'proceed']),
      1,
    );
    expect(result.stderr).toMatch(/web1: [1-9]\d* sessions will be lost by its restart/);
    expect(result.stderr).toContain('Failed restarting web1 at step exec: The command exited with 1.');
    expect(result.stderr).toContain('--target web1,web2');
    expect(result.stderr).toContain('web1: run the command...');
    expect(result.stderr).toContain('web1: exec failed in');
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
    expect(tomcats[1]!.pid).toBe(pid);
  });

  it('with one target in maint already, it refuses (exit 3) and changes nothing', async () => {
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
    const result = expectExit(await cli(['restart', '--exec', exec()]), 3);
    expect(result.stderr).toContain('fewer than two members take new visitors on lb1 (web2)');
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
    expect(restarter!.asked).toEqual(['web1', 'web2']);
  });

  it('--exec-timeout: a command that hangs is killed, web1 is left in maint, exit 1; --json tells the steps with times and the sessions lost', async () => {
    expectExit(await cli(['lb', 'ready', 'web1']), 0);
    // web1 still holds the visitor of the SIGTERM test: proceeding, that session is lost.
    const started = Date.now();
    const result = await cli(['restart', '--json', '--exec', 'sleep 30', '--exec-timeout', '2s', ...PROCEED]);
    expect(Date.now() - started).toBeLessThan(20_000);
    const { error } = jsonOf<{
      error: { code: string; message: string; hint: string; step: string; report: RestartDocument };
    }>(result, 1);
    expect(error).toMatchObject({ code: 'E_OPERATION', step: 'exec' });
    expect(error.message).toBe(
      'Failed restarting web1 at step exec: The command ran longer than 2 s and was killed, with every process it started. It is left in maint.',
    );
    expect(error.hint).toContain('--target web1,web2');
    const [web1] = error.report.targets;
    expect(web1!.sessionsLost).toBeGreaterThanOrEqual(1);
    expect(web1!.steps.map((s) => [s.step, s.outcome])).toEqual([
      ['drain', 'done'],
      ['drained', 'done'],
      ['maint', 'done'],
      ['exec', 'failed'],
    ]);
    for (const step of web1!.steps) {
      expect(Date.parse(step.startedAt)).toBeGreaterThanOrEqual(started - 1_000);
      expect(step.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(web1!.steps[3]!.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
  });

  it('a Tomcat that does not come back fails step started at --start-timeout: left in maint, exit 1, the resume hint', async () => {
    expectExit(await cli(['lb', 'ready', 'web1']), 0);
    const result = expectExit(
      await cli(['restart', '--exec', exec('stop'), '--start-timeout', '4s', ...PROCEED]),
      1,
    );
    expect(result.stderr).toContain(
      "Failed restarting web1 at step started: Waited 4 s for web1's Manager to answer again (last: ",
    );
    expect(result.stderr).toContain('It is left in maint.');
    expect(result.stderr).toContain('--target web1,web2');
    expect(restarter!.asked.at(-1)).toBe('stop web1');
    // The release lock could not be removed from the Tomcat that is down: it says so, and the
    // record comes back with that Tomcat until it expires (docs/lock.md).
    expect(result.stderr).toMatch(/web1: a lock record was left there .*; it expires at /);
    // Back for the next tests: `lb status` reads every Tomcat, and the lock is released by hand.
    await tomcats[0]!.restart();
    expectExit(await cli(['lock', 'release', '--whole-target', '--force']), 0);
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
  });

  it('SIGTERM while the command runs: web1 is checked and made ready first, then the roll stops (non-zero) saying it stopped after web1', async () => {
    expectExit(await cli(['lb', 'ready', 'web1']), 0);
    const pid = tomcats[0]!.pid;
    const asked = restarter!.asked.length;
    const child = spawnCli(['restart', '--exec', exec(), ...PROCEED], { cwd: dir, env: env() });
    const done = collect(child, 45_000, ['restart']);
    await new Promise<void>((resolve) => {
      let seen = '';
      child.stderr.on('data', (chunk: Buffer | string) => {
        seen += String(chunk);
        if (seen.includes('web1: run the command...')) resolve();
      });
    });
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('web1: ready done in');
    expect(result.stderr).toContain(
      'Stopped after web1 was restarted, checked and made ready; web2 was not touched. A signal stopped the roll.',
    );
    expect(result.stderr).toContain('--target web2');
    expect(restarter!.asked.slice(asked)).toEqual(['web1']);
    expect(tomcats[0]!.pid).not.toBe(pid);
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
  });

  it('an app that ran before and fails to start after the restart fails step started, naming the app: left in maint, exit 1', async () => {
    const original = await writeWebXml(tomcats[0]!, (before) => before);
    breakAppOf = tomcats[0];
    const result = expectExit(
      await cli(['restart', '--exec', exec(), '--start-timeout', '5s', ...PROCEED]),
      1,
    );
    expect(result.stderr).toMatch(
      /Failed restarting web1 at step started: Waited 5 s for web1's apps to run again: not running \/rs(##\w+)?\. It is left in maint\./,
    );
    expect(result.stderr).toContain('--target web1,web2');
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
    // Mended for whatever runs next.
    await writeWebXml(tomcats[0]!, () => original);
    await tomcats[0]!.restart();
    expectExit(await cli(['lb', 'ready', 'web1']), 0);
  });
});
