import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBalancer } from '@tomcat-pd/core/balancers';
import { startHttpd, type HttpdInstance } from '@tomcat-pd/testkit/httpd';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { expectExit, jsonOf, runCli } from './cli-helpers.js';
import { startRestarter, type Restarter } from './restarter.js';
import { startRoutedTomcats, type RoutedTomcats } from './routed-tomcats.js';

// `tomcat-pd restart --exec` behind Apache httpd + mod_jk in front of three real Tomcats (AJP).
// mod_jk hides a too-early ready: a request that fails on a worker is failed over and the
// visitor still gets 200, but the worker is put in error (ERR) and its sticky visitors are moved.
// So besides "no visitor got an error", each restarted worker must read OK (up) on the status
// worker after its ready, while the next one is restarted and once the roll is over.

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let httpd: HttpdInstance | undefined;
let restarter: Restarter | undefined;
let dir: string;
let jk: ReturnType<typeof createBalancer>;
/** Each worker's `admin/health` on mod_jk's status worker when each command came. */
const workersAtCommand: Record<string, string>[] = [];

const passwords = () => Object.fromEntries(tomcats.map((tomcat, i) => [`WEB${i + 1}_PW`, tomcat.password]));
const cli = (args: readonly string[]) => runCli(args, { cwd: dir, env: passwords(), timeoutMs: 110_000 });

/** Each worker as `lb status --json` reads it: `admin/health` by name. */
async function workers(): Promise<Record<string, string>> {
  const document = jsonOf<{ balancers: { members: { name: string; admin: string; health: string }[] }[] }>(
    await cli(['lb', 'status', '--json']),
  );
  return Object.fromEntries(
    document.balancers[0]!.members.map((member) => [member.name, `${member.admin}/${member.health}`]),
  );
}

/** The same, read by the core's mod_jk driver (the status worker's `worker.NAME.state`: OK or ERR). */
async function jkWorkers(): Promise<Record<string, string>> {
  const reading = await jk.read();
  return Object.fromEntries(
    reading.members.map((member) => [member.name, `${member.admin}/${member.health}`]),
  );
}

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/rj', ajp: true, count: 3 });
  ({ tomcats, dir } = fleet);
  httpd = await startHttpd({
    kind: 'mod_jk',
    members: tomcats.map((tomcat, i) => ({ name: `web${i + 1}`, port: tomcat.ajpPort! })),
  });
  jk = createBalancer({ name: 'jk1', type: 'mod_jk', url: httpd.consoleUrl, balancer: httpd.balancer });
  restarter = await startRestarter(tomcats, async () => void workersAtCommand.push(await jkWorkers()));
  await writeFile(
    join(dir, 'tomcat-pd.json'),
    JSON.stringify({
      targets: tomcats.map((tomcat, index) => ({
        name: `web${index + 1}`,
        url: tomcat.managerUrl,
        user: tomcat.user,
        passwordEnv: `WEB${index + 1}_PW`,
      })),
      balancers: [{ name: 'jk1', type: 'mod_jk', url: httpd.consoleUrl, balancer: httpd.balancer }],
    }),
  );
});

afterAll(async () => {
  await restarter?.close();
  await httpd?.stop();
  await fleet?.stop();
});

describe('tomcat-pd restart behind httpd + mod_jk in front of three Tomcats', () => {
  it('restarts all three in turn; every new visitor gets 200, and each worker reads OK (not in error) after its ready', async () => {
    expect(await workers()).toEqual({ web1: 'ready/up', web2: 'ready/up', web3: 'ready/up' });
    const pids = tomcats.map((tomcat) => tomcat.pid);
    let rolling = true;
    const errors: string[] = [];
    let visits = 0;
    // New visitors through httpd all along the roll (health.txt makes no session to drain).
    const visiting = (async () => {
      while (rolling && visits < 10_000) {
        visits++;
        const answer = await fetch(`${httpd!.baseUrl}/rj/health.txt`).then(
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
      `curl -sf ${restarter!.url}/restart/$TOMCAT_PD_TARGET`,
      '--start-timeout',
      '60s',
    ]);
    // Visitors a while longer: a worker put back too early would be found in error by them.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    rolling = false;
    await visiting;
    const document = jsonOf<{ targets: { target: string; outcome: string }[] }>(expectExit(result, 0));

    expect(document.targets.map((t) => [t.target, t.outcome])).toEqual([
      ['web1', 'done'],
      ['web2', 'done'],
      ['web3', 'done'],
    ]);
    expect(restarter!.asked).toEqual(['web1', 'web2', 'web3']);
    tomcats.forEach((tomcat, i) => expect(tomcat.pid).not.toBe(pids[i]));
    // While each command ran: its worker stopped (STP), the ones restarted before it OK again.
    expect(workersAtCommand).toEqual([
      { web1: 'maint/up', web2: 'ready/up', web3: 'ready/up' },
      { web1: 'ready/up', web2: 'maint/up', web3: 'ready/up' },
      { web1: 'ready/up', web2: 'ready/up', web3: 'maint/up' },
    ]);
    expect(visits).toBeGreaterThan(50);
    expect(errors).toEqual([]);
    expect(await workers()).toEqual({ web1: 'ready/up', web2: 'ready/up', web3: 'ready/up' });
  });

  it('the trap the check above guards against: a worker whose Tomcat is down fails over unseen (every visitor 200) but reads down', async () => {
    await tomcats[2]!.kill();
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => fetch(`${httpd!.baseUrl}/rj/health.txt`).then((r) => r.status)),
    );
    expect(answers).toEqual(Array(12).fill(200));
    // (`lb status` would exit 4 here: it reads each Tomcat's sessions too, and web3 is down.)
    expect(await jkWorkers()).toEqual({ web1: 'ready/up', web2: 'ready/up', web3: 'ready/down' });
  });

  it('a worker still in error after ready (its Tomcat back, mod_jk not yet retrying it): step ready waits, then fails; the target is left in maint, exit 1', async () => {
    // web3 is in error from the test before; its Tomcat comes back, mod_jk keeps the error (for its recover_time, 60 s).
    await tomcats[2]!.restart();
    expect(await jkWorkers()).toEqual({ web1: 'ready/up', web2: 'ready/up', web3: 'ready/down' });
    const result = expectExit(
      await cli([
        '--target',
        'web3',
        'restart',
        '--exec',
        `curl -sf ${restarter!.url}/restart/$TOMCAT_PD_TARGET`,
        '--start-timeout',
        '5s',
      ]),
      1,
    );
    expect(result.stderr).toContain('web3: ready failed in');
    expect(result.stderr).toContain(
      'Failed restarting web3 at step ready: Waited 5 s for web3 to be up on jk1, where web3 reads down. It is left in maint.',
    );
    expect(result.stderr).toContain('--target web3');
    expect(await jkWorkers()).toMatchObject({ web1: 'ready/up', web2: 'ready/up', web3: 'maint/down' });
  });
});
