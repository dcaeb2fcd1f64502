import { spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '@tomcat-pd/testkit/browser';
import { startFaultProxy, type FaultProxy } from '@tomcat-pd/testkit/fault-proxy';
import { CLI_BIN } from '@tomcat-pd/testkit/cli-bin';
import type { HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { collect, expectExit, runCli, spawnCli, waitForOutput, type CliResult } from './cli-helpers.js';
import { startRoutedTomcats, type RoutedTomcats, startHaproxyInFront, visitorOn } from './routed-tomcats.js';

/**
 * `tomcat-pd serve` with a balancer in the config (issue 20, item 3): a real haproxy 2.6 in
 * front of two Tomcat 10.1 (jvmRoute web1, web2), serve reading every second. Its /metrics,
 * /api/status and page (in a real browser, Debian's Chromium) show each member with its state,
 * and follow a `tomcat-pd lb drain web1` run meanwhile within an interval or two.
 */

const INTERVAL_MS = 1_000;
/** A change must show within two intervals of the command that made it, and a little slack. */
const WITHIN_MS = 2 * INTERVAL_MS + 500;

type MetricFamily = {
  name: string;
  metrics: { value: string; labels?: Record<string, string> }[];
};
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => MetricFamily[];

let fleet: RoutedTomcats | undefined;
let tomcats: readonly LocalTomcatInstance[] = [];
let haproxy: HaproxyInstance;
let dir: string;
let serve: ChildProcessWithoutNullStreams;
let served: Promise<CliResult>;
let url: string;
let browser: Browser;
/** In front of web1's Manager: what serve asks of it is counted there. */
let proxy: FaultProxy;

const passwords = () => ({ WEB1_PW: tomcats[0]!.password, WEB2_PW: tomcats[1]!.password });

beforeAll(async () => {
  [fleet, browser] = await Promise.all([startRoutedTomcats({ path: '/lb' }), launchBrowser()]);
  ({ tomcats, dir } = fleet);
  haproxy = await startHaproxyInFront(fleet);
  proxy = await startFaultProxy(Number(new URL(tomcats[0]!.baseUrl).port));
  await writeFile(
    join(dir, 'tomcat-pd.json'),
    JSON.stringify({
      targets: tomcats.map((tomcat, index) => ({
        name: `web${index + 1}`,
        url: index === 0 ? proxy.managerUrl : tomcat.managerUrl,
        user: tomcat.user,
        passwordEnv: `WEB${index + 1}_PW`,
      })),
      balancers: [{ name: 'lb1', type: 'haproxy', socket: haproxy.adminSocket, backend: 'tomcats' }],
    }),
  );
  serve = spawnCli(
    ['--retries', '0', 'serve', '--listen', '127.0.0.1:0', '--interval', `${INTERVAL_MS / 1000}s`],
    { cwd: dir, env: passwords() },
  );
  served = collect(serve, 5 * 60_000, ['serve']);
  url = /Serving (http:\S+)/.exec(await waitForOutput(serve, /Serving http:\S+\n/))?.[1] ?? '';
});

afterAll(async () => {
  if (serve !== undefined && serve.exitCode === null) serve.kill('SIGKILL');
  await browser?.close();
  await proxy?.close();
  await haproxy?.stop();
  await fleet?.stop();
});

interface BalancerDocument {
  balancer: string;
  state: string;
  members?: { name: string; target: string | null; admin: string; health: string; sessions: number | null }[];
}

interface LbDocument {
  balancers: BalancerDocument[];
  colours: { told: boolean; reason?: string; live?: string[]; draining?: string[]; idle?: string[] };
  restart: { state: string; target: string; step: string } | null;
}

async function lbDocument(): Promise<LbDocument> {
  return (await (await fetch(new URL('api/status', url))).json()) as LbDocument;
}

async function balancersOf(): Promise<BalancerDocument[]> {
  return (await lbDocument()).balancers;
}

/** `{ 'lb1 web1 ready': '1', ... }` and the other lb series, as /metrics has them now. */
async function lbSeries(): Promise<Record<string, string>> {
  const families = parsePrometheus(await (await fetch(new URL('metrics', url))).text());
  const series: Record<string, string> = {};
  for (const family of families.filter((f) => f.name.startsWith('tomcat_pd_lb_'))) {
    for (const metric of family.metrics) {
      const { balancer, member, state, target, colour } = metric.labels ?? {};
      const key = [family.name, balancer, member, state, target, colour]
        .filter((part) => part !== undefined)
        .join(' ');
      series[key] = metric.value;
    }
  }
  return series;
}

/** Tries `check` until it holds or `ms` passed; how long it took, or the last failure. */
async function eventually(check: () => Promise<void>, ms = 4 * WITHIN_MS): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await check();
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > ms) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** The states each member of lb1 has in /metrics: `{ web1: 'ready', ... }` from the series at 1. */
function statesIn(series: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(series)
      .filter(([key, value]) => key.startsWith('tomcat_pd_lb_member_state lb1 ') && value === '1')
      .map(([key]) => key.split(' ').slice(2) as [string, string]),
  );
}

describe('serve with a balancer: a real haproxy in front of two Tomcats', () => {
  it("/metrics and /api/status: each member with its state and health, its target and that target's sessions", async () => {
    // A visitor through the balancer: its session is on one Tomcat, which serve's list reads.
    const { sessionId } = await new Visitor(haproxy.url).get('/lb/');
    const route = sessionId?.split('.').pop();
    expect(['web1', 'web2']).toContain(route);
    await eventually(async () => {
      const series = await lbSeries();
      expect(series).toMatchObject({
        'tomcat_pd_lb_up lb1': '1',
        'tomcat_pd_lb_member_state lb1 web1 ready': '1',
        'tomcat_pd_lb_member_state lb1 web1 drain': '0',
        'tomcat_pd_lb_member_state lb1 web1 maint': '0',
        'tomcat_pd_lb_member_state lb1 web2 ready': '1',
        'tomcat_pd_lb_member_up lb1 web1': '1',
        'tomcat_pd_lb_member_up lb1 web2': '1',
      });
      expect(series['tomcat_pd_lb_member_in_flight lb1 web1']).toMatch(/^\d+$/);
      const [lb1] = await balancersOf();
      expect(lb1).toMatchObject({ balancer: 'lb1', state: 'up' });
      expect(lb1?.members?.map(({ name, target, admin, health }) => [name, target, admin, health])).toEqual([
        ['web1', 'web1', 'ready', 'up'],
        ['web2', 'web2', 'ready', 'up'],
      ]);
      // Joined from the fleet's own read of that target's list.
      expect(lb1?.members?.find((member) => member.name === route)?.sessions).toBeGreaterThanOrEqual(1);
      // Both ready: no colour to tell apart, and no series of one.
      expect((await lbDocument()).colours).toEqual({ told: false, reason: 'none-idle' });
      expect(Object.keys(series).filter((key) => key.includes('target_colour'))).toEqual([]);
    });
  });

  it("reads each target's list once per interval: the members' sessions are joined, not read again", async () => {
    const from = proxy.requests.length;
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4_200));
    const seconds = (Date.now() - started) / 1000;
    const lists = proxy.requests.slice(from).filter((line) => line.startsWith('GET /manager/text/list '));
    expect(lists.length).toBeGreaterThanOrEqual(Math.floor(seconds) - 1);
    expect(lists.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
  });

  it('lb drain web1 run meanwhile: drain on /api/status, /metrics and the page (no reload) within an interval or two', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !/favicon/.test(message.location().url))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(url);
    const row = 'section[data-balancer="lb1"] tr[data-member="web1"]';
    await page.waitForSelector(`${row}.admin-ready`);
    await page.evaluate("window.mark = 'not reloaded'");
    // A session on web1, which the drain keeps there: web1 will be draining, not idle.
    await visitorOn(haproxy.url, '/lb/', 'web1');

    const started = Date.now();
    expect(expectExit(await runCli(['lb', 'drain', 'web1'], { cwd: dir, env: passwords() }), 0).stdout).toBe(
      'lb1: web1 ready -> drain\n',
    );
    const sinceDrained = Date.now();
    const tookApi = await eventually(async () => {
      const [lb1] = await balancersOf();
      expect(lb1?.members?.map(({ name, admin }) => [name, admin])).toEqual([
        ['web1', 'drain'],
        ['web2', 'ready'],
      ]);
    });
    expect(tookApi).toBeLessThanOrEqual(WITHIN_MS);
    expect(statesIn(await lbSeries())).toEqual({ web1: 'drain', web2: 'ready' });
    await eventually(async () => {
      expect((await lbDocument()).colours).toEqual({
        told: true,
        live: ['web2'],
        draining: ['web1'],
        idle: [],
      });
      expect(await lbSeries()).toMatchObject({
        'tomcat_pd_lb_target_colour web1 draining': '1',
        'tomcat_pd_lb_target_colour web1 live': '0',
        'tomcat_pd_lb_target_colour web2 live': '1',
      });
    });

    await page.waitForSelector(`${row}.admin-drain`, { timeout: WITHIN_MS });
    expect(Date.now() - sinceDrained).toBeLessThanOrEqual(WITHIN_MS + 500);
    expect(await page.evaluate('window.mark')).toBe('not reloaded');
    const cells = await page.locator(`${row} td`).allTextContents();
    expect(cells.slice(0, 4)).toEqual(['web1', 'web1', 'drain', 'up']);
    // Marked, not only worded: the state cell is a badge in the drain colour, unlike web2's.
    const background = (member: string) =>
      page.evaluate<string>(
        `getComputedStyle(document.querySelector('section[data-balancer="lb1"] tr[data-member="${member}"] td.admin')).backgroundColor`,
      );
    expect(await background('web1')).toBe('rgb(201, 106, 0)');
    expect(await background('web2')).toBe('rgb(26, 127, 55)');
    expect(await page.textContent('h2.balancers')).toBe('Load balancers');
    await page.waitForSelector('p.colours span[data-colour="draining"]', { timeout: WITHIN_MS });
    expect(await page.textContent('p.colours')).toBe('Colours: live web2 draining web1');
    expect(Date.now() - started).toBeLessThan(15_000);
    // The section's own style runs under the page's Content-Security-Policy: no violation.
    expect(problems).toEqual([]);
    await page.close();

    expectExit(await runCli(['lb', 'ready', 'web1'], { cwd: dir, env: passwords() }), 0);
  });

  it("shows the restart's record beside the config file: running, then stopped without finishing, then gone", async () => {
    const file = join(dir, '.tomcat-pd', 'restart.json');
    const record = (pid: number) => ({
      pid,
      host: hostname(),
      started: '2026-12-07T19:00:00.000Z',
      targets: ['web1', 'web2'],
      target: 'web2',
      step: 'exec',
      done: ['web1'],
    });
    await mkdir(dirname(file), { recursive: true });
    try {
      await writeFile(file, JSON.stringify(record(process.pid)));
      await eventually(async () => {
        expect((await lbDocument()).restart).toMatchObject({
          state: 'running',
          target: 'web2',
          step: 'exec',
        });
        expect(await lbSeries()).toMatchObject({
          'tomcat_pd_lb_restart_state running': '1',
          'tomcat_pd_lb_restart_state stopped': '0',
        });
      });
      const page = await (await fetch(url)).text();
      expect(page).toContain(
        '<p class="restart running" data-restart="running">restart in progress: web2 at step exec (1 of 2 done)',
      );
      await writeFile(file, JSON.stringify(record(spawnSync(process.execPath, ['-e', '']).pid)));
      await eventually(async () => {
        expect((await lbDocument()).restart).toMatchObject({ state: 'stopped' });
        expect(await lbSeries()).toMatchObject({ 'tomcat_pd_lb_restart_state stopped': '1' });
      });
    } finally {
      await rm(file, { force: true });
    }
    await eventually(async () => expect((await lbDocument()).restart).toBeNull());
  });

  it('ends on SIGTERM with exit 0, and no answer held a password', async () => {
    const answers = await Promise.all(
      ['', 'api/status', 'metrics'].map(async (path) => (await fetch(new URL(path, url))).text()),
    );
    for (const text of answers)
      for (const password of Object.values(passwords())) expect(text).not.toContain(password);
    serve.kill('SIGTERM');
    const result = await served;
    expect(result.code).toBe(0);
  });

  it.each([
    ['serve', 'lb-watch'],
    ['status', 'status-balancers'],
  ])(
    '%s without balancers loads none of their code: its built chunk reaches it only through import() of %s',
    async (action, lazily) => {
      const dist = join(dirname(dirname(CLI_BIN)), 'dist');
      const chunks = (await readdir(dist)).filter((name) => name.endsWith('.mjs'));
      const text = new Map(
        await Promise.all(
          chunks.map(async (name) => [name, await readFile(join(dist, name), 'utf8')] as const),
        ),
      );
      const actionChunk = chunks.find((name) => new RegExp(`^${action}-[\\w-]{8}\\.mjs$`).test(name))!;
      // What loading the action loads: its static imports, and theirs.
      const loaded = new Set<string>();
      for (const pending = [actionChunk]; pending.length > 0;) {
        const name = pending.pop()!;
        if (loaded.has(name)) continue;
        loaded.add(name);
        for (const [, imported] of (text.get(name) ?? '').matchAll(/^import .* from "\.\/([^"]+)";$/gm))
          pending.push(imported!);
      }
      const holders = chunks.filter((name) =>
        /function (watchBalancers|createBalancer|lbStatus)\(/.test(text.get(name)!),
      );
      expect(holders.length).toBeGreaterThan(0);
      expect(holders.filter((name) => loaded.has(name))).toEqual([]);
      expect(text.get(actionChunk)).toMatch(new RegExp(`import\\("\\./${lazily}-[^"]+\\.mjs"\\)`));
    },
  );
});
