import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startTomcat } from './harness/start-tomcat.js';
import { buildCorruptWar, buildFailingWar, buildLargeWar, buildTestWar } from './harness/test-war.js';
import { basicAuth } from './harness/tomcat-instance.js';
import type { TomcatInstance, TomcatUser } from './harness/tomcat-instance.js';
import type { LocalTomcatInstance } from './harness/local-tomcat.js';
import { Visitor } from './harness/visitor.js';

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
