import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBalancer } from '@tomcat-pd/core/balancers';
import type { HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { collect, expectExit, jsonOf, runCli, spawnCli } from './cli-helpers.js';
import { startRoutedTomcats, visitorOn, type RoutedTomcats, startHaproxyInFront } from './routed-tomcats.js';

// `tomcat-pd restart --exec` as a user runs it: the built CLI, a real haproxy in front of two
// real Tomcats. The command really restarts a Tomcat: it asks a small server in this process,
// which restarts the Tomcat it names and answers once it is started again.

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let haproxy: HaproxyInstance;
let dir: string;
let restarter: Server;
let restartUrl: string;
const restarted: string[] = [];
/** HAProxy's admin state of web1 and web2 when each command came, read by this process. */
const statesAtCommand: Record<string, string>[] = [];

const cli = (args: readonly string[]) =>
  runCli(args, {
    cwd: dir,
    env: { WEB1_PW: tomcats[0]!.password, WEB2_PW: tomcats[1]!.password },
    timeoutMs: 50_000,
  });

interface StepDocument {
  step: string;
  startedAt: string;
  durationMs: number;
  outcome: string;
}
interface RestartDocument {
  targets: { target: string; outcome: string; steps: StepDocument[] }[];
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
  restarter = createServer((request, response) => {
    const name = request.url?.match(/^\/restart\/(web[12])$/)?.[1];
    const tomcat = name === undefined ? undefined : tomcats[Number(name.slice(3)) - 1];
    if (tomcat === undefined) return void response.writeHead(404).end();
    restarted.push(name!);
    const lb = createBalancer({
      name: 'lb1',
      type: 'haproxy',
      socket: haproxy.adminSocket,
      backend: 'tomcats',
    });
    lb.read()
      .then((reading) => {
        statesAtCommand.push(
          Object.fromEntries(reading.members.map((member) => [member.name, member.admin])),
        );
        return tomcat.restart();
      })
      .then(
        () => response.writeHead(200).end(`restarted ${name}\n`),
        () => response.writeHead(500).end(),
      );
  });
  await new Promise<void>((resolve) => restarter.listen(0, '127.0.0.1', resolve));
  restartUrl = `http://127.0.0.1:${(restarter.address() as AddressInfo).port}/restart`;
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
  await new Promise((resolve) => restarter?.close(resolve));
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
    const result = await cli([
      'restart',
      '--json',
      '--exec',
      `curl -sf ${restartUrl}/$TOMCAT_PD_TARGET`,
      '--start-timeout',
      '40s',
    ]).finally(() => (rolling = false));
    await visiting;
    const document = jsonOf<RestartDocument>(expectExit(result, 0));

    expect(restarted).toEqual(['web1', 'web2']);
    expect(statesAtCommand).toEqual([
      { web1: 'maint', web2: 'ready' },
      { web1: 'ready', web2: 'maint' },
    ]);
    expect(tomcats.map((tomcat) => tomcat.pid)).not.toContain(pids[0]);
    expect(tomcats[1]!.pid).not.toBe(pids[1]);
    expect(document.targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'done'],
      ['web2', 'done'],
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
    const child = spawnCli(['restart', '--exec', `curl -sf ${restartUrl}/$TOMCAT_PD_TARGET`], {
      cwd: dir,
      env: { WEB1_PW: tomcats[0]!.password, WEB2_PW: tomcats[1]!.password },
    });
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
    expect(restarted).toEqual(['web1', 'web2']);
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
    const result = expectExit(
      await cli(['restart', '--exec', `curl -sf ${restartUrl}/$TOMCAT_PD_TARGET`]),
      3,
    );
    expect(result.stderr).toContain('fewer than two members take new visitors on lb1 (web2)');
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
    expect(restarted).toEqual(['web1', 'web2']);
  });
});
