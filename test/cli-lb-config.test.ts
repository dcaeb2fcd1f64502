import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagerClient } from '@tomcat-pd/core';
import { startingConfig } from '@tomcat-pd/core/balancers';
import { freePort } from '@tomcat-pd/testkit/free-port';
import { HAPROXY_BIN, startHaproxyWithConfig, type HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import { APACHE2, httpdConfAround, startHttpdWithConfig, type HttpdInstance } from '@tomcat-pd/testkit/httpd';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { NGINX_BIN, startNginxWithConfig, type NginxInstance } from '@tomcat-pd/testkit/nginx';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { expectExit, jsonOf, runCli, type CliResult } from './cli-helpers.js';
import { startRoutedTomcats, visitorOn, type RoutedTomcats } from './routed-tomcats.js';

// `tomcat-pd lb config <type>` as a user runs it, and what it prints run by the real balancer:
// haproxy 2.6 and httpd 2.4 (mod_proxy_balancer, mod_jk) started on the generated text in front
// of two Tomcat 10.1 (jvmRoute web1, web2), and nginx 1.22 on the managed file lb config wrote,
// then driven by the lb commands.

const execFileAsync = promisify(execFile);

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let dir: string;
const stops: (() => Promise<void>)[] = [];

const env = () => ({ WEB1_PW: tomcats[0]!.password, WEB2_PW: tomcats[1]!.password });
/** Runs the CLI in the folder of the config file (its tomcat-pd.json), the passwords in the env. */
const lb = (args: readonly string[]) => runCli(['lb', ...args], { cwd: dir, env: env() });

async function writeConfig(balancers: unknown[], targets = true): Promise<void> {
  await writeFile(
    join(dir, 'tomcat-pd.json'),
    JSON.stringify({
      targets: targets
        ? tomcats.map((tomcat, index) => ({
            name: `web${index + 1}`,
            url: tomcat.managerUrl,
            user: tomcat.user,
            passwordEnv: `WEB${index + 1}_PW`,
          }))
        : [],
      defaults: { path: '/shop' },
      balancers,
    }),
  );
}

/** What `lb config <type>` prints (exit 0). */
async function generated(type: string, ...flags: string[]): Promise<string> {
  return expectExit(await lb(['config', type, ...flags]), 0).stdout;
}

/** The sessions Tomcat holds for /shop on each target. */
async function shopSessions(): Promise<number[]> {
  return Promise.all(
    tomcats.map(async (tomcat) => {
      const client = createManagerClient({
        url: tomcat.managerUrl,
        user: tomcat.user,
        password: tomcat.password,
      });
      return (await client.list()).find((entry) => entry.path === '/shop')?.sessions ?? -1;
    }),
  );
}

const visitorAt = (baseUrl: string, route: string) => visitorOn(baseUrl, '/shop/', route);

interface StatusDocument {
  balancers: { ok: boolean; members: { name: string; admin: string; health: string }[] }[];
}

async function members(): Promise<string[]> {
  const document = jsonOf<StatusDocument>(await lb(['status', '--json']));
  return document.balancers[0]!.members.map((member) => `${member.name}:${member.admin}:${member.health}`);
}

/**
 * What every balancer must do with the lb commands: a visitor whose session lives on web1 keeps it
 * while web1 drains (the stickiness follows Tomcat's session), and new visitors go to web2.
 */
async function stickyThroughDrain(baseUrl: string): Promise<void> {
  const { visitor, sessionId } = await visitorAt(baseUrl, 'web1');
  expectExit(await lb(['drain', 'web1']), 0);
  for (let visit = 0; visit < 3; visit++) expect((await visitor.get('/shop/')).sessionId).toBe(sessionId);
  const newcomers = await Promise.all(
    [1, 2, 3, 4].map(async () => (await new Visitor(baseUrl).get('/shop/')).sessionId?.split('.').pop()),
  );
  expect(newcomers).toEqual(['web2', 'web2', 'web2', 'web2']);
  expectExit(await lb(['ready', 'web1']), 0);
}

/** HAProxy's `check_status` of each server, from `show stat` on its admin socket. */
function checkStatuses(socket: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const client = connect({ path: socket });
    let text = '';
    client.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    client.once('error', reject);
    client.once('connect', () => client.write('show stat tomcats 4 -1\n'));
    client.once('close', () => {
      const [header = '', ...rows] = text.trim().split('\n');
      const columns = header.replace(/^# /, '').split(',');
      const at = (row: string, name: string) => row.split(',')[columns.indexOf(name)] ?? '';
      resolve(Object.fromEntries(rows.map((row) => [at(row, 'svname'), at(row, 'check_status')])));
    });
  });
}

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/shop', ajp: true });
  ({ tomcats, dir } = fleet);
});

afterAll(async () => {
  for (const stop of stops) await stop();
  await fleet?.stop();
});

describe('tomcat-pd lb config, run by the real balancers', () => {
  it('haproxy: passes haproxy -c, checks without a session, keeps a sticky visitor through lb drain, pins a request to a server in maint by cookie or query string', async () => {
    const haproxy: HaproxyInstance = await startHaproxyWithConfig(async ({ adminSocket, port }) => {
      await writeConfig([{ name: 'lb1', type: 'haproxy', socket: adminSocket, backend: 'tomcats' }]);
      return generated('haproxy', '--listen', `127.0.0.1:${port}`);
    });
    stops.push(() => haproxy.stop());
    const checked = await execFileAsync(HAPROXY_BIN, ['-c', '-f', join(haproxy.dir, 'haproxy.cfg')]);
    expect(checked.stdout).toContain('Configuration file is valid');

    // OPTIONS /shop/ passes the check (L7OK), and makes no session. On a loaded machine a first
    // check can time out: a server that went down is up again only after `rise` checks pass.
    const deadline = Date.now() + 20_000;
    const settled = async () => ({
      statuses: await checkStatuses(haproxy.adminSocket),
      members: await members(),
    });
    let seen = await settled();
    while (
      !(
        seen.statuses.web1 === 'L7OK' &&
        seen.statuses.web2 === 'L7OK' &&
        seen.members.every((m) => m.endsWith(':up'))
      ) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      seen = await settled();
    }
    expect(seen).toEqual({
      statuses: { web1: 'L7OK', web2: 'L7OK' },
      members: ['web1:ready:up', 'web2:ready:up'],
    });
    expect(await shopSessions()).toEqual([0, 0]);

    await stickyThroughDrain(haproxy.url);

    // The pin cookie reaches web2 in maint; without it, a visitor goes to web1.
    expectExit(await lb(['maint', 'web2']), 0);
    const pinned = await fetch(`${haproxy.url}/shop/`, { headers: { cookie: 'TOMCAT_PD_PIN=web2' } });
    expect(await pinned.text()).toMatch(/session=\S+\.web2$/m);
    expect((await new Visitor(haproxy.url).get('/shop/')).sessionId).toMatch(/\.web1$/);
    expectExit(await lb(['ready', 'web2']), 0);

    // ?TOMCAT_PD_PIN=web1 reaches web1 in maint and sets the pin cookie, which alone keeps
    // reaching it; ?TOMCAT_PD_PIN= expires it; a name that is no server's is ignored.
    expectExit(await lb(['maint', 'web1']), 0);
    const tester = new Visitor(haproxy.url);
    expect((await tester.get('/shop/?TOMCAT_PD_PIN=web1')).sessionId).toMatch(/\.web1$/);
    expect(tester.cookie('TOMCAT_PD_PIN', '/shop/')).toBe('web1');
    const byCookie = await fetch(`${haproxy.url}/shop/`, { headers: { cookie: 'TOMCAT_PD_PIN=web1' } });
    expect(await byCookie.text()).toMatch(/session=\S+\.web1$/m);
    expect((await tester.get('/shop/?TOMCAT_PD_PIN=')).sessionId).toMatch(/\.web2$/);
    expect(tester.cookie('TOMCAT_PD_PIN', '/shop/')).toBeUndefined();
    const stranger = new Visitor(haproxy.url);
    expect((await stranger.get('/shop/?TOMCAT_PD_PIN=web9')).sessionId).toMatch(/\.web2$/);
    expect(stranger.cookie('TOMCAT_PD_PIN', '/shop/')).toBeUndefined();
    expectExit(await lb(['ready', 'web1']), 0);
  });

  it('mod_proxy_balancer: passes apache2 -t, runs, and keeps a sticky visitor through lb drain', async () => {
    const httpd: HttpdInstance = await startHttpdWithConfig('mod_proxy_balancer', async ({ port }) => {
      const url = `http://127.0.0.1:${port}/balancer-manager`;
      await writeConfig([{ name: 'httpd1', type: 'mod_proxy_balancer', url, balancer: 'tomcats' }]);
      return generated('mod_proxy_balancer');
    });
    stops.push(() => httpd.stop());
    const tested = await execFileAsync(APACHE2, ['-t', '-f', join(httpd.dir, 'httpd.conf')]);
    expect(tested.stderr).toContain('Syntax OK');
    expect(await members()).toEqual(['web1:ready:unchecked', 'web2:ready:unchecked']);

    // Longer than hcinterval (5 s, the first check comes after one): each member was checked
    // (OPTIONS /shop/, which Tomcat answers 200 there) at least once. A failed check counts in
    // "Fails" (the number in brackets): none, and no session was made.
    const before = await shopSessions();
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const page = await (await fetch(`${httpd.baseUrl}/balancer-manager`)).text();
    const checks =
      /<td>OPTIONS<\/td><td>5000ms<\/td><td>1 \(0\)<\/td><td>2 \((\d+)\)<\/td><td>\/shop\/<\/td>/g;
    expect([...page.matchAll(checks)].map((match) => match[1])).toEqual(['0', '0']);
    expect(await shopSessions()).toEqual(before);

    await stickyThroughDrain(httpd.baseUrl);
  });

  it('mod_jk: what the CLI prints passes apache2 -t; the generator with the AJP ports runs and keeps a sticky visitor through lb drain', async () => {
    const folder = await mkdtemp(join(dir, 'jk-'));
    await writeConfig([]);
    await writeFile(join(folder, 'balancer.conf'), await generated('mod_jk', '--probe', '/health.txt'));
    await mkdir(join(folder, 'logs'));
    await writeFile(
      join(folder, 'httpd.conf'),
      httpdConfAround('mod_jk', folder, await freePort(), join(folder, 'balancer.conf')),
    );
    const tested = await execFileAsync(APACHE2, ['-t', '-f', join(folder, 'httpd.conf')]);
    expect(tested.stderr).toContain('Syntax OK');

    // The config file has no AJP ports (Tomcat's 8009 is assumed): the test's Tomcats have their own.
    const httpd = await startHttpdWithConfig('mod_jk', async ({ port }) => {
      const url = `http://127.0.0.1:${port}/jkstatus`;
      await writeConfig([{ name: 'jk1', type: 'mod_jk', url, balancer: 'tomcats' }]);
      return startingConfig('mod_jk', {
        path: '/shop',
        targets: tomcats.map((tomcat, index) => ({
          name: `web${index + 1}`,
          host: '127.0.0.1',
          port: Number(new URL(tomcat.baseUrl).port),
          ajpPort: tomcat.ajpPort,
        })),
      });
    });
    stops.push(() => httpd.stop());
    await stickyThroughDrain(httpd.baseUrl);
  });

  it('nginx: writes the managed file nginx needs (kept the second time), and nginx runs the server block and keeps a sticky visitor through lb drain', async () => {
    let written: CliResult | undefined;
    const nginx: NginxInstance = await startNginxWithConfig(async ({ file, test, reload, port, url }) => {
      await writeConfig([
        {
          name: 'nginx1',
          type: 'nginx',
          file,
          test,
          reload,
          servers: Object.fromEntries(
            tomcats.map((tomcat, index) => [`web${index + 1}`, new URL(tomcat.baseUrl).host]),
          ),
          url,
        },
      ]);
      written = expectExit(await lb(['config', 'nginx', '--listen', `127.0.0.1:${port}`]), 0);
      return written.stdout;
    });
    stops.push(() => nginx.stop());
    expect(written?.stderr).toContain(`Wrote ${nginx.file} with every member ready`);
    await execFileAsync(nginx.test[0]!, nginx.test.slice(1));
    expect(await members()).toEqual(['web1:ready:unchecked', 'web2:ready:unchecked']);
    await stickyThroughDrain(nginx.url);
    // A file of this balancer's is never overwritten: its states are the truth.
    expectExit(await lb(['drain', 'web2']), 0);
    const again = expectExit(await lb(['config', 'nginx', '--json']), 0);
    expect(jsonOf<{ file: unknown }>(again).file).toEqual({ path: nginx.file, outcome: 'kept' });
    expect(await members()).toEqual(['web1:ready:unchecked', 'web2:drain:unchecked']);
    expectExit(await lb(['ready', 'web2']), 0);
  });

  it('nginx without a balancer in the config: says which file nginx needs, which nginx -t refuses to do without', async () => {
    await writeConfig([]);
    const result = expectExit(await lb(['config', 'nginx']), 0);
    expect(result.stderr).toContain(
      'nginx does not start while /etc/nginx/tomcat-pd/tomcats.conf is missing. Add a "balancers" entry of type nginx',
    );
    const folder = await mkdtemp(join(dir, 'nginx-'));
    await writeFile(
      join(folder, 'http.conf'),
      result.stdout.replaceAll('/etc/nginx/tomcat-pd/tomcats.conf', join(folder, 'missing.conf')),
    );
    await writeFile(
      join(folder, 'nginx.conf'),
      `pid ${folder}/nginx.pid;\nevents { worker_connections 64; }\nhttp { include ${folder}/http.conf; }\n`,
    );
    await expect(
      execFileAsync(NGINX_BIN, ['-e', 'stderr', '-p', folder, '-c', join(folder, 'nginx.conf'), '-t']),
    ).rejects.toThrow(/missing\.conf" failed \(2: No such file or directory\)/);
  });

  it('exit 2: no targets in the config, an unknown type, no --path', async () => {
    await writeConfig([], false);
    const noTargets = expectExit(await lb(['config', 'haproxy']), 2);
    expect(noTargets.stderr).toContain('lb config needs the targets of a config file');
    const empty = await mkdtemp(join(dir, 'empty-'));
    expectExit(await runCli(['lb', 'config', 'traefik', '--path', '/shop'], { cwd: empty }), 2);
    const noPath = expectExit(await runCli(['lb', 'config', 'haproxy'], { cwd: empty }), 2);
    expect(noPath.stderr).toContain('--path is required');
  });
});
