import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { collect, expectExit, jsonOf, runCli, spawnCli } from './cli-helpers.js';
import {
  fleetEnv,
  startHaproxyInFront,
  startRoutedTomcats,
  visitorOn,
  writeFleetConfig,
  type RoutedTomcats,
} from './routed-tomcats.js';

// `tomcat-pd lb status|drain|maint|ready` as a user runs them: the built CLI, a config file with
// two targets and one balancer, a real haproxy 2.6 in front of two Tomcat 10.1 (jvmRoute web1, web2).

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let haproxy: HaproxyInstance;
let dir: string;

const passwords = () => fleetEnv(fleet!);

/** Runs the CLI in the folder of the config file (its tomcat-pd.json), the passwords in the env. */
const lb = (args: readonly string[]) => runCli(['lb', ...args], { cwd: dir, env: passwords() });

const writeConfig = (balancers: unknown[]) => writeFleetConfig(fleet!, balancers);

const clientOf = (tomcat: LocalTomcatInstance) => fleet!.client(tomcat);

const visitorAt = (route: string) => visitorOn(haproxy.url, '/lb/', route);

const haproxyEntry = () => ({
  name: 'lb1',
  type: 'haproxy',
  socket: haproxy.adminSocket,
  backend: 'tomcats',
});

interface StatusDocument {
  balancers: {
    balancer: string;
    ok: boolean;
    members: { name: string; admin: string; target: string; sessions: number }[];
  }[];
  colours: { told: boolean; reason?: string; live?: string[]; draining?: string[]; idle?: string[] };
  restart: { state: string; target: string; step: string; done: string[] } | null;
}

async function colours(): Promise<StatusDocument['colours']> {
  return jsonOf<StatusDocument>(await lb(['status', '--json'])).colours;
}

async function states(): Promise<Record<string, string>> {
  const document = jsonOf<StatusDocument>(await lb(['status', '--json']));
  return Object.fromEntries(document.balancers[0]!.members.map((member) => [member.name, member.admin]));
}

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/lb' });
  ({ tomcats, dir } = fleet);
  haproxy = await startHaproxyInFront(fleet);
  await writeConfig([haproxyEntry()]);
});

afterAll(async () => {
  await haproxy?.stop();
  await fleet?.stop();
});

describe('tomcat-pd lb against a real haproxy in front of two Tomcats', () => {
  it('lb status: each member with its target, state, health and the sessions Tomcat holds there', async () => {
    const visitor = new Visitor(haproxy.url);
    const session = (await visitor.get('/lb/')).sessionId;
    const route = session?.split('.').pop();
    const document = jsonOf<StatusDocument>(await lb(['status', '--json']));
    const members = document.balancers[0]!.members;
    expect(members.map(({ name, admin, target }) => [name, admin, target])).toEqual([
      ['web1', 'ready', 'web1'],
      ['web2', 'ready', 'web2'],
    ]);
    expect(members.find((member) => member.name === route)?.sessions).toBeGreaterThanOrEqual(1);
    // Both ready: the usual case, which no colour tells apart.
    expect(document.colours).toEqual({ told: false, reason: 'none-idle' });
    expect(document.restart).toBeNull();
    const text = expectExit(await lb(['status']), 0).stdout;
    expect(text.split('\n')[0]).toMatch(
      /^BALANCER\s+MEMBER\s+TARGET\s+STATE\s+HEALTH\s+IN FLIGHT\s+IDLE\s+SESSIONS$/,
    );
    expect(text).toContain('\n\nColours: all ready (every target takes new visitors)\n');
  });

  it('lb drain: the member drains, a sticky visitor stays, a new one goes to the other; the last ready is refused (exit 3)', async () => {
    const { visitor: sticky, sessionId } = await visitorAt('web1');
    const drained = expectExit(await lb(['drain', 'web1']), 0);
    expect(drained.stdout).toBe('lb1: web1 ready -> drain\n');
    expect(await states()).toEqual({ web1: 'drain', web2: 'ready' });
    expect((await sticky.get('/lb/')).sessionId).toBe(sessionId);
    // Drained with a session left: draining; the other live.
    expect(await colours()).toEqual({ told: true, live: ['web2'], draining: ['web1'], idle: [] });
    expect(expectExit(await lb(['status']), 0).stdout).toMatch(/^web1\s+draining$/m);
    // status too, after its table of the apps: a line per target with its colour.
    const status = expectExit(await runCli(['status'], { cwd: dir, env: passwords() }), 0).stdout;
    expect(status).toMatch(/\n\nTARGET\s+COLOUR\nweb1\s+draining\nweb2\s+live\n$/);
    const statusJson = jsonOf<StatusDocument>(
      await runCli(['status', '--json'], { cwd: dir, env: passwords() }),
    );
    expect(statusJson).toMatchObject({ colours: { live: ['web2'], draining: ['web1'] }, restart: null });
    for (let i = 0; i < 4; i++)
      expect((await new Visitor(haproxy.url).get('/lb/')).sessionId).toMatch(/\.web2$/);

    const refused = expectExit(await lb(['maint', 'web2']), 3);
    expect(refused.stderr).toContain(
      'Refusing to maint web2 on lb1: no other member there would take new visitors',
    );
    expect(await states()).toEqual({ web1: 'drain', web2: 'ready' });
  });

  it('lb drain --wait ends at --max-wait (exit 1) while a session is left, and once it is expired, drained', async () => {
    const waited = expectExit(await lb(['drain', 'web1', '--wait', '--max-wait', '3s']), 1);
    expect(waited.stderr).toMatch(/web1: \d+ sessions left/);
    expect(waited.stderr).toMatch(
      /error: web1 still has \d+ sessions from before the drain after 3 s; it stays drained, nothing was forced\./,
    );
    // The sessions are minutes from their time-out: an operator expires them (idle 0: all of them).
    const web1 = clientOf(tomcats[0]!);
    const { version } = (await web1.list()).find((entry) => entry.path === '/lb')!;
    await web1.expire({ path: '/lb', version, idleMinutes: 0 });
    const done = jsonOf<{ drained: { sessions: number } }>(
      await lb(['drain', 'web1', '--wait', '--max-wait', '20s', '--json']),
    );
    expect(done.drained.sessions).toBe(0);
    // Drained with no session left: idle.
    expect(await colours()).toEqual({ told: true, live: ['web2'], draining: [], idle: ['web1'] });
  });

  it('lb ready: the Tomcat and its app answer first (OPTIONS, no session made), then new visitors come back', async () => {
    const sessions = async () =>
      (await clientOf(tomcats[0]!).list()).find((entry) => entry.path === '/lb')!.sessions;
    const before = await sessions();
    expectExit(await lb(['ready', 'web1']), 0);
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
    expect(await sessions()).toBe(before);
  });

  it('lb drain --wait stops (exit 1) when HAProxy restarts meanwhile: the drain was lost with its runtime state', async () => {
    await visitorAt('web1');
    const child = spawnCli(['lb', 'drain', 'web1', '--wait', '--max-wait', '60s'], {
      cwd: dir,
      env: passwords(),
    });
    const finished = collect(child, 60_000, ['lb', 'drain']);
    let progress = '';
    child.stderr.on('data', (chunk: string) => (progress += chunk));
    while (!/web1: \d+ sessions left/.test(progress)) await new Promise((resolve) => setTimeout(resolve, 50));
    await haproxy.restart();
    const result = expectExit(await finished, 1);
    expect(result.stderr).toContain(
      'web1 is no longer drained on lb1 (it reads ready): the balancer restarted or reloaded and lost the drain with its runtime state. Drain it again.',
    );
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
  });

  it('lb status shows a restart in progress from its record, and one whose process is gone as stopped without finishing', async () => {
    const file = join(dir, '.tomcat-pd', 'restart.json');
    const record = (pid: number) => ({
      pid,
      host: hostname(),
      started: '2026-12-07T19:00:00.000Z',
      targets: ['web1', 'web2'],
      target: 'web2',
      step: 'drained',
      done: ['web1'],
    });
    await mkdir(dirname(file), { recursive: true });
    try {
      await writeFile(file, JSON.stringify(record(process.pid)));
      expect(expectExit(await lb(['status']), 0).stdout).toContain(
        `restart in progress: web2 at step drained (1 of 2 done) since 2026-12-07T19:00:00.000Z (pid ${process.pid} on ${hostname()})`,
      );
      // A process that has ended: its record stayed behind (a kill -9).
      const ended = spawnSync(process.execPath, ['-e', '']).pid;
      await writeFile(file, JSON.stringify(record(ended)));
      const document = jsonOf<StatusDocument>(await lb(['status', '--json']));
      expect(document.restart).toMatchObject({
        state: 'stopped',
        target: 'web2',
        step: 'drained',
        done: ['web1'],
      });
      expect(expectExit(await lb(['status']), 0).stdout).toContain(
        'a restart stopped without finishing: web2 at step drained (1 of 2 done)',
      );
      const status = expectExit(await runCli(['status'], { cwd: dir, env: passwords() }), 0).stdout;
      expect(status).toContain('a restart stopped without finishing: web2 at step drained (1 of 2 done)');
    } finally {
      await rm(file, { force: true });
    }
  });

  it('restart writes its record at each step (what its command reads there) and removes it however the roll ends', async () => {
    const file = join(dir, '.tomcat-pd', 'restart.json');
    const restart = (exec: string) =>
      runCli(['restart', '--exec', exec, '--max-drain', '2s', '--on-max-drain', 'proceed'], {
        cwd: dir,
        env: passwords(),
      });
    const done = expectExit(await restart(`cat ${file}`), 0);
    // Each command saw the record at its own step: web1 first, none done; then web2, web1 done.
    expect(done.stderr).toMatch(
      /^web1\| {3}"target": "web1",\nweb1\| {3}"step": "exec",\nweb1\| {3}"done": \[\]$/m,
    );
    expect(done.stderr).toMatch(/^web2\| {3}"step": "exec",\nweb2\| {3}"done": \[\nweb2\| {5}"web1"$/m);
    expect(existsSync(file)).toBe(false);
    // A command that fails: the roll stops (web1 left in maint), and the record is gone too.
    expectExit(await restart(`cat ${file} >/dev/null; exit 1`), 1);
    expect(existsSync(file)).toBe(false);
    expectExit(await lb(['ready', 'web1']), 0);
  });

  it('while a restart waits for web1 to drain, lb status and status show it; SIGTERM stops it and its record is gone', async () => {
    const file = join(dir, '.tomcat-pd', 'restart.json');
    // A visitor with a session on web1: the drain waits for it.
    await visitorAt('web1');
    const child = spawnCli(['restart', '--exec', 'true', '--max-drain', '60s'], {
      cwd: dir,
      env: passwords(),
    });
    const done = collect(child, 60_000, ['restart']);
    // Read until the roll reaches the drain wait (its record written at each step).
    const shown = `restart in progress: web1 at step drained (0 of 2 done) since `;
    for (let tries = 0; !expectExit(await lb(['status']), 0).stdout.includes(shown); tries++) {
      expect(tries).toBeLessThan(50);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(expectExit(await runCli(['status'], { cwd: dir, env: passwords() }), 0).stdout).toContain(shown);
    child.kill('SIGTERM');
    expect((await done).code).not.toBe(0);
    expect(existsSync(file)).toBe(false);
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
  });

  it('bad input exits 2 and an unreachable balancer 4, nothing changed', async () => {
    expect(expectExit(await lb(['drain', 'web9']), 2).stderr).toContain(
      'Balancer lb1 (' + haproxy.adminSocket + ') has no member web9; its members: web1, web2.',
    );
    expect(expectExit(await lb(['drain', 'web1', '--balancer', 'lb7']), 2).stderr).toContain(
      'No balancer is named lb7',
    );
    await writeConfig([{ ...haproxyEntry(), socket: join(dir, 'nothing.sock') }]);
    try {
      expectExit(await lb(['status']), 4);
      expectExit(await lb(['drain', 'web1']), 4);
    } finally {
      await writeConfig([haproxyEntry()]);
    }
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
  });
});
