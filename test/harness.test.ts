import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import {
  buildCorruptWar,
  buildFailingWar,
  buildFlakyWar,
  buildHealthWar,
  buildLargeWar,
  buildTestWar,
} from '@tomcat-pd/testkit/test-war';
import { basicAuth } from '@tomcat-pd/testkit/tomcat-instance';
import type { TomcatInstance, TomcatUser } from '@tomcat-pd/testkit/tomcat-instance';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { Visitor } from '@tomcat-pd/testkit/visitor';

let tomcat: TomcatInstance;
let wars: string;

/** A text-API call with Basic auth; returns status and body. */
async function manager(command: string, user?: TomcatUser, init: RequestInit = {}) {
  const res = await fetch(`${tomcat.managerUrl}/text/${command}`, {
    ...init,
    headers: { authorization: basicAuth(user ?? tomcat.users.script), 'accept-language': 'en' },
  });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

async function deploy(war: string, path: string, version: string): Promise<string> {
  const body = await readFile(war);
  const query = `path=${encodeURIComponent(path)}&version=${encodeURIComponent(version)}`;
  const res = await manager(`deploy?${query}`, undefined, { method: 'PUT', body });
  expect(res.status).toBe(200);
  return res.body.split(/\r?\n/)[0] ?? '';
}

function local(t: TomcatInstance): LocalTomcatInstance | undefined {
  return t.kind === 'local' ? (t as LocalTomcatInstance) : undefined;
}

/** Pids whose command line names this CATALINA_BASE (the JVM gets -Dcatalina.base=...). */
async function jvmsOf(base: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').includes(`-Dcatalina.base=${base}`)) pids.push(Number(entry));
  }
  return pids;
}

beforeAll(async () => {
  const started = Date.now();
  tomcat = await startTomcat();
  const jvm = local(tomcat)?.startupMs;
  console.log(
    `[harness] ${tomcat.kind} Tomcat at ${tomcat.baseUrl} in ${Date.now() - started} ms (JVM ${jvm} ms)`,
  );
  wars = await mkdtemp(join(tmpdir(), 'tomcat-pd-wars-'));
});

afterAll(async () => {
  await tomcat?.stop();
  if (wars !== undefined) await rm(wars, { recursive: true, force: true });
});

describe('test Tomcat harness', () => {
  it('answers serverinfo for the script user, whose password needs encoding', async () => {
    for (const special of [':', '@', '%', '&', ' ']) expect(tomcat.password).toContain(special);
    expect(tomcat.managerUrl).toBe(`${tomcat.baseUrl}/manager`);
    const res = await manager('serverinfo');
    expect(res.status).toBe(200);
    expect(res.body.startsWith('OK - Server info')).toBe(true);
    expect(res.body).toMatch(/Tomcat Version: \[Apache Tomcat\/\d+/);
  });

  it('answers 401 to a wrong password', async () => {
    const res = await manager('serverinfo', { name: tomcat.user, password: `${tomcat.password}x` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Basic realm=');
  });

  it('answers 403 to a user without manager-script', async () => {
    const res = await manager('serverinfo', tomcat.users.guiOnly);
    expect(res.status).toBe(403);
  });

  it('deploys a test WAR by PUT and serves it with its version and a session', async () => {
    const war = await buildTestWar(wars, { label: 'h', sessionTimeoutMinutes: 5 });
    expect(await deploy(war, '/h', '001')).toBe('OK - Deployed application at context path [/h##001]');
    const visitor = new Visitor(tomcat.baseUrl);
    const first = await visitor.get('/h'); // redirected to /h/ like a browser
    expect(first).toMatchObject({ status: 200, label: 'h', version: '001' });
    expect(first.sessionId).toMatch(/^[0-9A-F]{16,}$/);
    const second = await visitor.get('/h/');
    expect(second.sessionId).toBe(first.sessionId);
    expect(visitor.cookie('JSESSIONID', '/h/')).toBe(first.sessionId);
    const stranger = await new Visitor(tomcat.baseUrl).get('/h/');
    expect(stranger.sessionId).not.toBe(first.sessionId);
    const sessions = await manager('sessions?path=%2Fh&version=001');
    expect(sessions.body).toContain('Default maximum session inactive interval is [5] minutes');
  });

  it('builds failing, corrupt and large WARs that behave as named', async () => {
    const failing = await buildFailingWar(wars, 'f');
    expect(await deploy(failing, '/f', '001')).toBe(
      'FAIL - Deployed application at context path [/f##001] but context failed to start',
    );
    const corrupt = await buildCorruptWar(wars);
    expect(await deploy(corrupt, '/c', '001')).toBe(
      'FAIL - Deployed application at context path [/c##001] but context failed to start',
    );
    const large = await buildLargeWar(wars, 3_000_000);
    expect(Math.abs((await stat(large)).size - 3_000_000)).toBeLessThan(2_000);
    expect(await deploy(large, '/big', '001')).toBe('OK - Deployed application at context path [/big##001]');
    expect(await new Visitor(tomcat.baseUrl).get('/big/')).toMatchObject({ label: 'large', version: '001' });
    for (const [path, version] of [
      ['/f', '001'],
      ['/c', '001'],
      ['/big', '001'],
    ] as const) {
      const res = await manager(`undeploy?path=${encodeURIComponent(path)}&version=${version}`);
      expect(res.body.split(/\r?\n/)[0]).toBe(
        `OK - Undeployed application at context path [${path}##${version}]`,
      );
    }
  });

  it('builds health WARs whose /health answers as their mode says, without a session', async () => {
    /** GET without cookies; `ms` caps the wait (a hang must not answer). */
    const health = async (path: string, ms = 10_000) => {
      const res = await fetch(`${tomcat.baseUrl}${path}/health`, { signal: AbortSignal.timeout(ms) });
      return { status: res.status, body: (await res.text()).trim(), cookies: res.headers.getSetCookie() };
    };
    const modes = [
      ['ok', '/hok', 200, 'healthy hok'],
      ['error', '/herr', 500, 'broken: missing JDBC driver'],
      ['wrong-text', '/hwrong', 200, 'status: degraded'],
      ['fail-on-real-path', '/hreal', 500, 'broken: no configuration for /hreal'],
      ['fail-on-real-path', '/hreal-smoke-1a2b', 200, 'healthy hreal'],
    ] as const;
    await Promise.all(
      modes.map(async ([mode, path, status, body]) => {
        const label = path.startsWith('/hreal') ? 'hreal' : path.slice(1);
        const war = await buildHealthWar(wars, { label, health: mode, fileName: `${path.slice(1)}.war` });
        expect(await deploy(war, path, '001')).toBe(
          `OK - Deployed application at context path [${path}##001]`,
        );
        expect(await health(path), `${mode} on ${path}`).toEqual({ status, body, cookies: [] });
      }),
    );
    // brokenOnPorts: broken on this Tomcat's port whatever the mode, healthy on another port.
    const port = Number(new URL(tomcat.baseUrl).port);
    const here = await buildHealthWar(wars, { label: 'hport', health: 'ok', brokenOnPorts: [1, port] });
    await deploy(here, '/hport', '001');
    expect(await health('/hport')).toEqual({
      status: 500,
      body: 'broken: missing JDBC driver on this server',
      cookies: [],
    });
    const elsewhere = await buildHealthWar(wars, {
      label: 'hport',
      health: 'ok',
      brokenOnPorts: [port + 1],
      fileName: 'hport-elsewhere.war',
    });
    await deploy(elsewhere, '/hport', '002'); // live now: a request without a cookie gets 002
    expect(await health('/hport')).toEqual({ status: 200, body: 'healthy hport', cookies: [] });

    // The page still opens a session, as visitors need; the health endpoint never does.
    expect(await new Visitor(tomcat.baseUrl).get('/herr/')).toMatchObject({ label: 'herr', version: '001' });
    expect((await manager('list')).body).toMatch(/^\/herr:running:1:herr##001$/m);

    // ready-after: 503 from the first health request on, 200 once readyAfterMs have passed since.
    const warming = await buildHealthWar(wars, {
      label: 'hready',
      health: 'ready-after',
      readyAfterMs: 1_500,
    });
    await deploy(warming, '/hready', '001');
    const started = Date.now();
    const first = await health('/hready');
    expect(first).toMatchObject({ status: 503, cookies: [] });
    expect(first.body).toMatch(/^starting: ready in \d+ ms$/);
    let ready = first;
    while (ready.status === 503 && Date.now() - started < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await health('/hready');
    }
    expect(ready).toEqual({ status: 200, body: 'healthy hready', cookies: [] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);

    // hang: no answer within a second (it would take 120 s).
    const hanging = await buildHealthWar(wars, { label: 'hhang', health: 'hang' });
    await deploy(hanging, '/hhang', '001');
    await expect(health('/hhang', 1_000)).rejects.toThrow(/aborted|timeout/i);

    const paths = ['/hok', '/herr', '/hwrong', '/hreal', '/hreal-smoke-1a2b', '/hport', '/hready', '/hhang'];
    const versions = [...paths.map((path): [string, string] => [path, '001']), ['/hport', '002'] as const];
    await Promise.all(
      versions.map(async ([path, version]) => {
        const res = await manager(`undeploy?path=${encodeURIComponent(path)}&version=${version}`);
        expect(res.body.split(/\r?\n/)[0]).toBe(
          `OK - Undeployed application at context path [${path}##${version}]`,
        );
      }),
    );
  });

  it('builds flaky WARs whose /work throws on every failEvery-th request, where failOnPorts says', async () => {
    /** `count` GETs of `/work` without cookies, one after the other: their statuses and bodies. */
    const work = async (path: string, count: number) => {
      const answers: { status: number; body: string; cookies: string[] }[] = [];
      for (let i = 0; i < count; i += 1) {
        const res = await fetch(`${tomcat.baseUrl}${path}/work`);
        answers.push({
          status: res.status,
          body: (await res.text()).trim(),
          cookies: res.headers.getSetCookie(),
        });
      }
      return answers;
    };
    const port = Number(new URL(tomcat.baseUrl).port);
    const cases = [
      ['/fl2', { label: 'fl2', failEvery: 2 }],
      ['/fl0', { label: 'fl0', failEvery: 0 }],
      ['/flhere', { label: 'flhere', failEvery: 2, failOnPorts: [1, port] }],
      ['/flthere', { label: 'flthere', failEvery: 2, failOnPorts: [port + 1] }],
    ] as const;
    for (const [path, options] of cases) {
      const war = await buildFlakyWar(wars, options);
      expect(await deploy(war, path, '001')).toBe(`OK - Deployed application at context path [${path}##001]`);
    }
    // failEvery 2: the 2nd and the 4th request are Tomcat's 500 page for the uncaught exception.
    const flaky = await work('/fl2', 4);
    expect(flaky.map((a) => a.status)).toEqual([200, 500, 200, 500]);
    expect(flaky[0]?.body).toBe('worked fl2');
    expect(flaky[2]?.body).toBe('worked fl2');
    // The page opens no session, failing or not.
    expect(flaky.flatMap((a) => a.cookies)).toEqual([]);
    expect((await work('/fl0', 4)).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect((await work('/flhere', 4)).map((a) => a.status)).toEqual([200, 500, 200, 500]);
    expect((await work('/flthere', 4)).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    // The test app's page is there too, and opens a session as visitors need.
    expect(await new Visitor(tomcat.baseUrl).get('/fl2/')).toMatchObject({ label: 'fl2', version: '001' });
    expect((await manager('list')).body).toMatch(/^\/fl2:running:1:fl2##001$/m);
    for (const [path] of cases) {
      const res = await manager(`undeploy?path=${encodeURIComponent(path)}&version=001`);
      expect(res.body.split(/\r?\n/)[0]).toBe(`OK - Undeployed application at context path [${path}##001]`);
    }
  });

  it('restart() keeps the deployed app (and really restarts: sessions are gone)', async () => {
    const visitor = new Visitor(tomcat.baseUrl);
    const before = await visitor.get('/h/');
    const pid = local(tomcat)?.pid;
    await tomcat.restart();
    if (pid !== undefined) expect(local(tomcat)?.pid).not.toBe(pid);
    const list = await manager('list');
    // Tomcat 9.0 keeps sessions over a restart (SESSIONS.ser, StandardManager's default pathname
    // in 7.0-9.0): the 3 sessions made so far are back, and the visitor keeps its session.
    const kept = tomcat.line === '9.0';
    expect(list.body.split(/\r?\n/)).toContain(kept ? '/h:running:3:h##001' : '/h:running:0:h##001');
    const after = await visitor.get('/h/');
    expect(after).toMatchObject({ status: 200, label: 'h', version: '001' });
    // Tomcat 10 keeps no sessions over a restart (no SESSIONS.ser): a new one proves the restart.
    if (kept) expect(after.sessionId).toBe(before.sessionId);
    else expect(after.sessionId).not.toBe(before.sessionId);
  });

  it('kill() ends Tomcat at once, and restart() brings it back with its apps', async () => {
    await tomcat.kill();
    await expect(fetch(`${tomcat.managerUrl}/text/serverinfo`)).rejects.toThrow();
    const base = local(tomcat)?.catalinaBase;
    if (base !== undefined) expect(await jvmsOf(base)).toEqual([]);
    await tomcat.restart();
    expect(await new Visitor(tomcat.baseUrl).get('/h/')).toMatchObject({ label: 'h', version: '001' });
  });

  it('stop() leaves no Tomcat behind', async () => {
    const base = local(tomcat)?.catalinaBase;
    if (base !== undefined) expect((await jvmsOf(base)).length).toBe(1);
    await tomcat.stop();
    await expect(fetch(`${tomcat.managerUrl}/text/serverinfo`)).rejects.toThrow();
    if (base === undefined) return;
    expect(await jvmsOf(base)).toEqual([]);
    if (process.env.TOMCAT_PD_TEST_KEEP !== '1') expect(existsSync(base)).toBe(false);
  });
});
