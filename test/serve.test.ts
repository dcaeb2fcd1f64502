import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagerClient, deploy, getStatus } from '@tomcat-pd/core';
import {
  collect,
  expectExit,
  jsonOf,
  runCli,
  spawnCli,
  waitForOutput,
  type CliResult,
} from './cli-helpers.js';
import { launchBrowser } from '@tomcat-pd/testkit/browser';
import { startFaultProxy, type FaultProxy } from '@tomcat-pd/testkit/fault-proxy';
import { startLocalTomcat } from '@tomcat-pd/testkit/local-tomcat';
import { startTogether, startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import type { TomcatInstance } from '@tomcat-pd/testkit/tomcat-instance';
import { clientOf, openSession, type SessionHolder } from './session-counts.js';

/**
 * `tomcat-pd serve` (issue 14, item 1) over three real Tomcats, in a real browser (Debian's
 * Chromium through playwright-core): web1 (10.1) with /shop 001 draining (a visitor's session)
 * and 002 live; web2 (10.1) behind a fault proxy that can refuse connections and heal; old
 * (9.0.70), whose status page has no JSON. serve reads every second; the page must follow
 * deploys, drains and outages without a reload, and say the same as `list`, `status --json`
 * and the Prometheus text.
 */

const INTERVAL_MS = 1_000;
/** A change must be on the page within two intervals of the command that made it. */
const WITHIN_MS = 2 * INTERVAL_MS;

/** parse-prometheus-text-format has no types: its one function, as it is documented. */
type MetricFamily = {
  name: string;
  type: string;
  metrics: { value: string; labels?: Record<string, string> }[];
};
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (
  text: string,
) => MetricFamily[];

let web1: TomcatInstance;
let web2: TomcatInstance;
let old: TomcatInstance;
let proxy: FaultProxy;
let dir: string;
let serve: ChildProcessWithoutNullStreams;
let served: Promise<CliResult>;
let url: string;
let browser: Browser;
let held: SessionHolder;

function passwords(): Record<string, string> {
  return { PW_WEB1: web1.password, PW_WEB2: web2.password, PW_OLD: old.password };
}

/** `tomcat-pd ARGS` with the config of this file (every target unless `--target` says). */
function fleet(args: readonly string[]): Promise<CliResult> {
  return runCli(['--retries', '0', ...args], { cwd: dir, env: passwords(), timeoutMs: 60_000 });
}

beforeAll(async () => {
  [web1, web2, old] = await startTogether([startTomcat(), startTomcat(), startLocalTomcat({ line: '9.0' })]);
  proxy = await startFaultProxy(Number(new URL(web2.baseUrl).port));
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-serve-'));
  const target = (name: string, tomcat: TomcatInstance, managerUrl = tomcat.managerUrl) => ({
    name,
    url: managerUrl,
    user: tomcat.user,
    passwordEnv: `PW_${name.toUpperCase()}`,
  });
  await writeFile(
    join(dir, 'tomcat-pd.json'),
    JSON.stringify({
      targets: [target('web1', web1), target('web2', web2, proxy.managerUrl), target('old', old)],
    }),
  );
  const client1 = clientOf(web1);
  await deploy(client1, {
    path: '/shop',
    warFile: await buildTestWar(dir, { label: 'one', fileName: 'one.war' }),
  });
  held = await openSession(web1.baseUrl, '/shop', '001', 'web1');
  await deploy(client1, {
    path: '/shop',
    warFile: await buildTestWar(dir, { label: 'two', fileName: 'two.war' }),
  });
  await deploy(createManagerClient({ url: proxy.managerUrl, user: web2.user, password: web2.password }), {
    path: '/shop',
    warFile: join(dir, 'one.war'),
  });
  serve = spawnCli(
    ['--retries', '0', 'serve', '--listen', '127.0.0.1:0', '--interval', `${INTERVAL_MS / 1000}s`],
    {
      cwd: dir,
      env: passwords(),
    },
  );
  served = collect(serve, 10 * 60_000, ['serve']);
  url = /Serving (http:\S+)/.exec(await waitForOutput(serve, /Serving http:\S+\n/))?.[1] ?? '';
  browser = await launchBrowser();
});

afterAll(async () => {
  if (serve !== undefined && serve.exitCode === null) serve.kill('SIGKILL');
  await browser?.close();
  await proxy?.close();
  await Promise.all([web1, web2, old].map((tomcat) => tomcat?.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Runs `expression` in the page. A string, not a function: the integration tests compile without
 * the DOM's types (lib ES2023), and one expression reads the DOM at one moment.
 */
function inPage<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** `['/shop 001 draining', ...]`: the rows of one target's section as the page shows them now. */
function rowsOf(page: Page, target: string): Promise<string[]> {
  return inPage(
    page,
    `[...document.querySelectorAll('section[data-target="${target}"] tbody tr')]` +
      ".map((row) => row.dataset.app + ' ' + row.dataset.version + ' ' + row.className)",
  );
}

function stateOf(page: Page, target: string): Promise<string | null> {
  return page.getAttribute(`section[data-target="${target}"]`, 'class');
}

/**
 * Waits until `check` holds on the page, which must not reload meanwhile; returns how long it
 * took from `since`. The page's own window object carries a mark: a reload would lose it.
 */
async function pageFollows(page: Page, since: number, check: () => Promise<boolean>): Promise<number> {
  await inPage(page, "window.mark = 'not reloaded'");
  for (;;) {
    if (await check()) break;
    if (Date.now() - since > 4 * WITHIN_MS) throw new Error('the page did not change');
    await page.waitForTimeout(50);
  }
  const elapsed = Date.now() - since;
  expect(await inPage(page, 'window.mark')).toBe('not reloaded');
  return elapsed;
}

/** A page with JavaScript, once every target has been read. */
async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction("document.querySelectorAll('section.pending').length === 0");
  await page.waitForFunction("document.body.textContent.includes('status page')");
  return page;
}

interface StatusDocument {
  apps: {
    target: string;
    path: string;
    live: string | null;
    versions: {
      version: string;
      state: string;
      sessions: number;
      role: string;
      name: string;
      metrics?: unknown;
    }[];
  }[];
  targets: { target: string; state: string; readAt: string | null; metricsReadAt: string | null }[];
  errors: { target: string; error: { code: string; message: string } }[];
}

/** The apps and versions of a status document, times and metrics left out. */
function appsOf(document: StatusDocument) {
  return document.apps.map((app) => ({
    ...app,
    versions: app.versions.map(({ version, state, sessions, role, name }) => ({
      version,
      state,
      sessions,
      role,
      name,
    })),
  }));
}

async function apiStatus(): Promise<StatusDocument> {
  return (await fetch(new URL('api/status', url))).json() as Promise<StatusDocument>;
}

/** Tries `check` until it holds or `ms` passed; the last failure otherwise. */
async function eventually(check: () => Promise<void>, ms = 3 * WITHIN_MS): Promise<void> {
  const started = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - started > ms) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('serve: the page in a browser', () => {
  it('shows every target and version with its role, in Tomcat order; the 9.0 target without metrics', async () => {
    const page = await openPage();
    expect(await stateOf(page, 'web1')).toBe('up');
    expect(await rowsOf(page, 'web1')).toEqual(['/manager  live', '/shop 001 draining', '/shop 002 live']);
    expect(await rowsOf(page, 'web2')).toEqual(['/manager  live', '/shop 001 live']);
    expect(await rowsOf(page, 'old')).toEqual(['/manager  live']);
    const web1Text = await page.textContent('section[data-target="web1"]');
    expect(web1Text).toContain('status page');
    expect(web1Text).toMatch(/Metaspace \d+ MiB/);
    // The draining version: its session, and when it is empty at the latest.
    const draining = await page.locator('section[data-target="web1"] tr.draining td').allTextContents();
    expect(draining.slice(0, 4)).toEqual(['001', 'draining', 'running', '1']);
    expect(draining.at(-1)).toMatch(/^\d\d:\d\dZ \(in \d+m/);
    const oldText = await page.textContent('section[data-target="old"]');
    expect(oldText).toContain('no status page');
    expect(oldText).toContain('has no status page in JSON (it runs Apache Tomcat/9.0.70');
    expect(await page.title()).toBe('tomcat-pd: 3 up');
    await page.close();
  });

  it('follows a deploy, then a drain, within two intervals, without a reload', async () => {
    const page = await openPage();
    const war = join(dir, 'two.war');
    expectExit(await fleet(['deploy', war, '--path', '/shop', '--target', 'web2', '--quiet']), 0);
    const deployed = await pageFollows(page, Date.now(), async () =>
      (await rowsOf(page, 'web2')).includes('/shop 002 live'),
    );
    expect(await rowsOf(page, 'web2')).toEqual(['/manager  live', '/shop 001 drained', '/shop 002 live']);
    expect(deployed).toBeLessThanOrEqual(WITHIN_MS);

    expectExit(await fleet(['drain', '--path', '/shop', '--grace', '0', '--target', 'web2', '--quiet']), 0);
    const drained = await pageFollows(
      page,
      Date.now(),
      async () => (await rowsOf(page, 'web2')).length === 2,
    );
    expect(await rowsOf(page, 'web2')).toEqual(['/manager  live', '/shop 002 live']);
    expect(drained).toBeLessThanOrEqual(WITHIN_MS);
    await page.close();
  });

  it('a target that stops answering is DOWN with its error, and comes back when it answers', async () => {
    const page = await openPage();
    proxy.refuse();
    const down = await pageFollows(page, Date.now(), async () => (await stateOf(page, 'web2')) === 'down');
    expect(down).toBeLessThanOrEqual(WITHIN_MS);
    const text = await page.textContent('section[data-target="web2"]');
    expect(text).toContain('DOWN');
    expect(text).toMatch(/E_CONNECT.*connection refused/);
    // The others are read on as before.
    expect(await stateOf(page, 'web1')).toBe('up');
    expect(await page.title()).toBe('tomcat-pd: 2 up, 1 DOWN');
    await proxy.heal();
    const back = await pageFollows(page, Date.now(), async () => (await stateOf(page, 'web2')) === 'up');
    expect(back).toBeLessThanOrEqual(WITHIN_MS);
    expect(await rowsOf(page, 'web2')).toEqual(['/manager  live', '/shop 002 live']);
    await page.close();
  });

  it('without JavaScript: the same versions, server-rendered, and the page reloads itself every interval', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(url);
    expect(await rowsOf(page, 'web1')).toEqual(['/manager  live', '/shop 001 draining', '/shop 002 live']);
    expect(await rowsOf(page, 'old')).toEqual(['/manager  live']);
    await page.waitForEvent('framenavigated', { timeout: 3 * INTERVAL_MS + 2_000 });
    expect(await rowsOf(page, 'web1')).toEqual(['/manager  live', '/shop 001 draining', '/shop 002 live']);
    await context.close();
  });

  it('runs under its Content-Security-Policy with no violation (inline style and script allowed by hash)', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && !/favicon/.test(message.location().url))
        problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(url);
    expect(await inPage(page, "getComputedStyle(document.querySelector('header')).display")).toBe('flex');
    await page.waitForFunction("!document.body.classList.contains('disconnected')");
    await page.waitForTimeout(INTERVAL_MS * 1.5);
    expect(problems.filter((text) => !text.includes('favicon'))).toEqual([]);
    await page.close();
  });
});

describe('serve: the data endpoints', () => {
  it('/api/status is the document of status --json at the same moment, with readAt per target', async () => {
    await eventually(async () => {
      const cli = jsonOf<StatusDocument>(await fleet(['status', '--json']));
      const document = await apiStatus();
      expect(appsOf(document)).toEqual(appsOf(cli));
      expect(document.errors).toEqual(cli.errors);
    });
    const document = await apiStatus();
    expect(Object.keys(document)).toEqual(['apps', 'targets', 'errors', 'warnings']);
    expect(document.targets.map((t) => [t.target, t.state])).toEqual([
      ['web1', 'up'],
      ['web2', 'up'],
      ['old', 'up'],
    ]);
    for (const entry of document.targets) {
      expect(Date.now() - Date.parse(entry.readAt ?? '')).toBeLessThan(3 * INTERVAL_MS + 1_000);
    }
    expect(document.targets.find((t) => t.target === 'old')?.metricsReadAt).toBeNull();
    expect(document.targets.find((t) => t.target === 'web1')?.metricsReadAt).not.toBeNull();
    // As status --metrics --json: metrics where the status page has them, null on 9.0.
    const shop = document.apps.find((app) => app.target === 'web1' && app.path === '/shop');
    expect(shop?.versions[0]?.metrics).toMatchObject({ requests: 1, sessionsCreated: 1 });
    expect(document.apps.find((app) => app.target === 'old')?.versions[0]?.metrics).toBeNull();
  });

  it("/metrics: sessions and live flags as list says, each version's requests and errors where the page has them", async () => {
    await eventually(async () => {
      const families = parsePrometheus(await (await fetch(new URL('metrics', url))).text());
      const family = (name: string) => families.find((f) => f.name === name)?.metrics ?? [];
      for (const [name, tomcat, managerUrl] of [
        ['web1', web1, web1.managerUrl],
        ['web2', web2, proxy.managerUrl],
        ['old', old, old.managerUrl],
      ] as const) {
        const status = await getStatus(
          createManagerClient({ url: managerUrl, user: tomcat.user, password: tomcat.password }),
        );
        const listed = status.apps.flatMap((app) =>
          app.versions.map((v) => ({
            app: app.path,
            version: v.version,
            role: v.role,
            sessions: v.sessions,
          })),
        );
        const sessions = family('tomcat_pd_version_sessions')
          .filter((m) => m.labels?.target === name)
          .map((m) => ({
            app: m.labels?.app,
            version: m.labels?.version ?? '',
            role: m.labels?.role,
            sessions: Number(m.value),
          }));
        expect(sessions).toEqual(listed);
        const live = family('tomcat_pd_version_live')
          .filter((m) => m.labels?.target === name)
          .map((m) => [m.labels?.app, m.labels?.version ?? '', Number(m.value)]);
        expect(live).toEqual(listed.map((v) => [v.app, v.version, v.role === 'live' ? 1 : 0]));
        expect(family('tomcat_pd_target_up').find((m) => m.labels?.target === name)?.value).toBe('1');
      }
      const requests = family('tomcat_pd_version_requests_total');
      const shop1 = requests.find((m) => m.labels?.target === 'web1' && m.labels.version === '001');
      expect(Number(shop1?.value)).toBe(1);
      expect(requests.some((m) => m.labels?.target === 'old')).toBe(false);
      expect(family('tomcat_pd_version_errors_total').length).toBe(requests.length);
      expect(Number(family('tomcat_pd_read_duration_seconds')[0]?.value)).toBeGreaterThan(0);
      expect(Number(family('tomcat_pd_target_metaspace_used_bytes')[0]?.value)).toBeGreaterThan(1_000_000);
      expect(families.find((f) => f.name === 'tomcat_pd_version_requests_total')?.type).toBe('COUNTER');
    });
  });

  it('reads list once per interval and the status page at most every 5 s (counted at the proxy)', async () => {
    const from = proxy.requests.length;
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 6_500));
    const seconds = (Date.now() - started) / 1000;
    const seen = proxy.requests.slice(from);
    const lists = seen.filter((line) => line.startsWith('GET /manager/text/list ')).length;
    const pages = seen.filter((line) => line.startsWith('GET /manager/status/all?JSON=true ')).length;
    expect(lists).toBeGreaterThanOrEqual(Math.floor(seconds) - 1);
    expect(lists).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(Math.ceil(seconds / 5));
    // Reads only: nothing else reached Tomcat (web2 has no draining version: no sessions read).
    expect(seen.filter((line) => !/^GET \/manager\/(text\/list|status\/all\?JSON=true) /.test(line))).toEqual(
      [],
    );
  });

  it('/healthz answers ok; anything but GET and HEAD is refused', async () => {
    const health = await fetch(new URL('healthz', url));
    expect([health.status, await health.text()]).toEqual([200, 'ok\n']);
    const post = await fetch(new URL('api/status', url), { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('no answer holds a password or an Authorization header, not even the page of a target that is down', async () => {
    proxy.refuse();
    await eventually(async () => expect((await apiStatus()).errors.map((e) => e.target)).toEqual(['web2']));
    const secrets = [web1, web2, old].flatMap((tomcat) => {
      const basic = Buffer.from(`${tomcat.user}:${tomcat.password}`).toString('base64');
      const html = tomcat.password.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      return [tomcat.password, html, JSON.stringify(tomcat.password).slice(1, -1), basic];
    });
    const answers: string[] = [];
    for (const path of ['', 'api/status', 'metrics', 'healthz', 'nope']) {
      for (const method of ['GET', 'HEAD', 'POST']) {
        const answer = await fetch(new URL(path, url), { method });
        answers.push(JSON.stringify([...answer.headers]), await answer.text());
      }
    }
    const events = await fetch(new URL('events', url));
    const reader = events.body!.getReader();
    answers.push(
      JSON.stringify([...events.headers]),
      new TextDecoder().decode((await reader.read()).value as Uint8Array),
    );
    await reader.cancel();
    const all = answers.join('\n');
    expect(all).toContain('web2');
    for (const secret of secrets) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/authorization|Basic [A-Za-z0-9+/=]{8,}/i);
    await proxy.heal();
  });
});

describe('serve: stopping', () => {
  it('SIGTERM stops it at once with exit 0; it never logged a password', async () => {
    const signalled = Date.now();
    serve.kill('SIGTERM');
    const result = await served;
    expect(result.code).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(3_000);
    expect(result.stdout).toMatch(/^Serving http:\/\/127\.0\.0\.1:\d+\/\n$/);
    expect(result.stderr).toContain('Stopped.');
    for (const tomcat of [web1, web2, old])
      expect(`${result.stdout}${result.stderr}`).not.toContain(tomcat.password);
    await expect(fetch(url)).rejects.toThrow();
    // The visitor's session on the draining version was never touched.
    const visit = await held.visitor.get('/shop/');
    expect([visit.version, visit.sessionId]).toEqual([held.version, held.sessionId]);
  });
});
