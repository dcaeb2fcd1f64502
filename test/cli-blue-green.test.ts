import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagerClient } from '@tomcat-pd/core';
import { buildBalancedWar, startHaproxyWithConfig, type HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildFailingWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { collect, expectExit, jsonOf, runCli, spawnCli } from './cli-helpers.js';
import {
  newVisitorRoutes,
  routeOf,
  startRoutedTomcats,
  visitorOn,
  type RoutedTomcats,
} from './routed-tomcats.js';

// `deploy --blue-green` and `rollback --blue-green` as a user runs them: the built CLI, a real
// haproxy on the config `lb config haproxy` generates in front of two real Tomcats, web1 the live
// colour and web2 the idle one (in maint).

let fleet: RoutedTomcats;
let tomcats: readonly LocalTomcatInstance[] = [];
let haproxy: HaproxyInstance;
let dir: string;
let release: string;
let failing: string;
let clients: ManagerClient[];

const env = () => ({ WEB1_PW: tomcats[0]!.password, WEB2_PW: tomcats[1]!.password });
const cli = (args: readonly string[]) => runCli(args, { cwd: dir, env: env(), timeoutMs: 60_000 });

interface ColoursDocument {
  live: string[];
  draining: string[];
  idle: string[];
}
interface BlueGreenDocument {
  version?: string;
  blueGreen: {
    before: ColoursDocument;
    after: ColoursDocument;
    steps: { step: string; targets: string[]; startedAt: string; durationMs: number; outcome: string }[];
    previous: { target: string; balancer: string; cookie: string; url: string }[];
  };
}

async function states(): Promise<Record<string, string>> {
  const document = jsonOf<{ balancers: { members: { name: string; admin: string }[] }[] }>(
    await cli(['lb', 'status', '--json']),
  );
  return Object.fromEntries(document.balancers[0]!.members.map((member) => [member.name, member.admin]));
}

/** The versions of /bg on each Tomcat. */
async function versions(): Promise<string[][]> {
  return Promise.all(
    clients.map(async (client) =>
      (await client.list())
        .filter((entry) => entry.path === '/bg')
        .map((entry) => entry.version)
        .sort(),
    ),
  );
}

/** Expires every session of /bg on a Tomcat, as an operator would (idle 0: all of them). */
async function expireAll(client: ManagerClient): Promise<void> {
  for (const entry of await client.list()) {
    if (entry.path === '/bg' && entry.sessions > 0)
      await client.expire({ path: '/bg', version: entry.version, idleMinutes: 0 });
  }
}

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/bg' });
  ({ tomcats, dir } = fleet);
  clients = tomcats.map((tomcat) => fleet.client(tomcat));
  [release, failing] = await Promise.all([
    buildBalancedWar(dir, 'bg2', 'bg2.war'),
    buildFailingWar(dir, 'bg'),
  ]);
  const targets = tomcats.map((tomcat, index) => ({
    name: `web${index + 1}`,
    url: tomcat.managerUrl,
    user: tomcat.user,
    passwordEnv: `WEB${index + 1}_PW`,
  }));
  await writeFile(join(dir, 'no-balancers.json'), JSON.stringify({ targets }));
  // HAProxy runs the config `lb config haproxy` generates: its pin cookie is part of what is tested.
  haproxy = await startHaproxyWithConfig(async ({ adminSocket, port }) => {
    await writeFile(
      join(dir, 'tomcat-pd.json'),
      JSON.stringify({
        targets,
        balancers: [{ name: 'lb1', type: 'haproxy', socket: adminSocket, backend: 'tomcats' }],
      }),
    );
    return expectExit(
      await cli(['lb', 'config', 'haproxy', '--path', '/bg', '--listen', `127.0.0.1:${port}`]),
      0,
    ).stdout;
  });
  // web2 is the idle colour.
  expectExit(await cli(['lb', 'maint', 'web2']), 0);
});

afterAll(async () => {
  await haproxy?.stop();
  await fleet?.stop();
});

describe('tomcat-pd deploy|rollback --blue-green against a real haproxy in front of two Tomcats', () => {
  it('--blue-green without balancers in the config is a usage error (exit 2) before anything', async () => {
    const result = expectExit(
      await cli(['--config', 'no-balancers.json', 'deploy', release, '--path', '/bg', '--blue-green']),
      2,
    );
    expect(result.stderr).toContain('No balancer is configured');
    expect(await versions()).toEqual([['001'], ['001']]);
  });

  it('a WAR that fails to start on the idle colour is cleaned up and changes no balancer (exit 1)', async () => {
    const result = expectExit(await cli(['deploy', failing, '--path', '/bg', '--blue-green']), 1);
    expect(result.stderr).toContain('failed to start');
    expect(await versions()).toEqual([['001'], ['001']]);
    expect(await states()).toEqual({ web1: 'ready', web2: 'maint' });
  });

  let sticky: Visitor;
  let stickyId: string;
  it('deploys on web2 only, makes it ready, drains web1: web1 keeps its visitor, new visitors get the release on web2', async () => {
    ({ visitor: sticky, sessionId: stickyId } = await visitorOn(haproxy.url, '/bg/', 'web1'));
    const result = await cli([
      'deploy',
      release,
      '--path',
      '/bg',
      '--blue-green',
      '--probe',
      '/health.txt',
      '--json',
    ]);
    const document = jsonOf<BlueGreenDocument>(result);
    expect(document.version).toBe('002');
    expect(await versions()).toEqual([['001'], ['001', '002']]);
    expect(await states()).toEqual({ web1: 'drain', web2: 'ready' });
    expect(document.blueGreen.before).toEqual({ live: ['web1'], draining: [], idle: ['web2'] });
    expect(document.blueGreen.after).toEqual({ live: ['web2'], draining: ['web1'], idle: [] });
    expect(document.blueGreen.steps.map((step) => [step.step, step.targets, step.outcome])).toEqual([
      ['deploy', ['web2'], 'done'],
      ['ready', ['web2'], 'done'],
      ['drain', ['web1'], 'done'],
    ]);
    expect(document.blueGreen.previous).toEqual([
      {
        target: 'web1',
        balancer: 'lb1',
        member: 'web1',
        cookie: 'TOMCAT_PD_PIN=web1',
        url: '/bg/?TOMCAT_PD_PIN=web1',
      },
    ]);

    // A tester asks for the previous version with the pin cookie the deploy printed.
    const pinned = await fetch(`${haproxy.url}/bg/`, {
      headers: { cookie: document.blueGreen.previous[0]!.cookie },
    });
    expect(await pinned.text()).toMatch(/version=001 session=\S+\.web1$/m);
    const again = await sticky.get('/bg/');
    expect([again.sessionId, again.version]).toEqual([stickyId, '001']);
    for (let i = 0; i < 4; i++) {
      const visit = await new Visitor(haproxy.url).get('/bg/');
      expect([routeOf(visit.sessionId), visit.version]).toEqual(['web2', '002']);
    }
  });

  it('rollback --blue-green makes web1 ready first, then drains web2; the human output names the colours', async () => {
    const result = expectExit(await cli(['rollback', '--path', '/bg', '--blue-green']), 0);
    // The steps on stderr as they go, the result on stdout.
    expect(result.stderr).toMatch(
      /web1: prove they serve, ready on every balancer, up\.\.\.\nlb1: web1 drain -> ready\nready done in \d+ms\nweb2: drain the colour that was live\.\.\.\nlb1: web2 ready -> drain\ndrain done in/,
    );
    expect(result.stdout).toContain('Colours: live web1; draining web2 (were: live web2; draining web1).');
    expect(result.stdout).toContain(
      'While web2 still runs, reach it through lb1 with the cookie TOMCAT_PD_PIN=web2',
    );
    expect(await states()).toEqual({ web1: 'ready', web2: 'drain' });
    expect(await newVisitorRoutes(haproxy.url, '/bg/', 3)).toEqual(['web1', 'web1', 'web1']);
    // Nothing was undeployed: web2 keeps the release for its visitors.
    expect(await versions()).toEqual([['001'], ['001', '002']]);
  });

  it('a deploy while web2 still has sessions is refused (exit 3), naming them; nothing changes', async () => {
    const result = expectExit(await cli(['deploy', release, '--path', '/bg', '--blue-green']), 3);
    expect(result.stderr).toMatch(/the colour to deploy on still has visitors: web2 \(\d+ sessions\)/);
    expect(await states()).toEqual({ web1: 'ready', web2: 'drain' });
    expect(await versions()).toEqual([['001'], ['001', '002']]);
  });

  it('with --wait-drain it waits for web2, puts it in maint, deploys there, switches, then waits for web1 and maints it', async () => {
    // Without --json: the steps are on stderr, where this test follows them.
    const child = spawnCli(['deploy', release, '--path', '/bg', '--blue-green', '--wait-drain'], {
      cwd: dir,
      env: env(),
    });
    let stderr = '';
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const finished = collect(child, 90_000);
    // Each colour's visitors are minutes from their time-out: an operator expires them once it waits.
    const expireWhenWaiting = async (text: string, client: ManagerClient) => {
      while (!stderr.includes(text)) await new Promise((resolve) => setTimeout(resolve, 200));
      await expireAll(client);
    };
    await expireWhenWaiting('web2: wait until their visitors left, then maint...', clients[1]!);
    await expireWhenWaiting(
      'web1: wait until the old colour has no visitor left, then maint...',
      clients[0]!,
    );
    const result = expectExit(await finished, 0);
    expect([...result.stderr.matchAll(/^([a-z-]+) done in/gm)].map((match) => match[1])).toEqual([
      'wait-idle',
      'deploy',
      'ready',
      'drain',
      'maint',
    ]);
    expect(result.stdout).toContain('Version 003 of /bg is live on web2');
    expect(result.stdout).toContain('Colours: live web2; idle web1 (were: live web1; draining web2).');
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
    expect(await versions()).toEqual([['001'], ['001', '002', '003']]);
  });
});
