import { join } from 'node:path';
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

/** Runs the CLI in the folder of the config file (its tomcat-pd.json), the passwords in the env. */
const lb = (args: readonly string[]) =>
  runCli(['lb', ...args], {
    cwd: dir,
    env: fleetEnv(fleet!),
  });

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
    const text = expectExit(await lb(['status']), 0).stdout;
    expect(text.split('\n')[0]).toMatch(
      /^BALANCER\s+MEMBER\s+TARGET\s+STATE\s+HEALTH\s+IN FLIGHT\s+IDLE\s+SESSIONS$/,
    );
  });

  it('lb drain: the member drains, a sticky visitor stays, a new one goes to the other; the last ready is refused (exit 3)', async () => {
    const { visitor: sticky, sessionId } = await visitorAt('web1');
    const drained = expectExit(await lb(['drain', 'web1']), 0);
    expect(drained.stdout).toBe('lb1: web1 ready -> drain\n');
    expect(await states()).toEqual({ web1: 'drain', web2: 'ready' });
    expect((await sticky.get('/lb/')).sessionId).toBe(sessionId);
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
      env: fleetEnv(fleet!),
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
