import http from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createManagerClient, deploy } from '@tomcat-pd/core';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { startNginx, type NginxInstance } from '@tomcat-pd/testkit/nginx';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
// The balancer layer is not exported by @tomcat-pd/core yet: its source is tested here.
import { parseBalancerOptions, type SpecOf } from '../packages/core/src/balancer/balancer-options.js';
import { changeMemberState } from '../packages/core/src/balancer/change-member-state.js';
import type { BalancerDriver } from '../packages/core/src/balancer/balancer-driver.js';
import {
  createNginxDriver,
  writeInitialNginxFile,
} from '../packages/core/src/balancer/nginx/nginx-driver.js';
import { sendNginx } from '../packages/core/src/balancer/nginx/nginx-send.js';
import { readMarker } from '../packages/core/src/balancer/nginx/nginx-marker.js';

const ROUTES = ['web1', 'web2'] as const;

let tomcats: LocalTomcatInstance[] = [];
let nginx: NginxInstance;
let spec: SpecOf<'nginx'>;
let driver: BalancerDriver;
let warDir: string;

beforeAll(async () => {
  warDir = await mkdtemp(join(tmpdir(), 'tomcat-pd-wars-'));
  tomcats = await Promise.all(ROUTES.map((jvmRoute) => startLocalTomcat({ jvmRoute })));
  await Promise.all(
    tomcats.map(async (tomcat, i) => {
      const client = createManagerClient({
        url: tomcat.managerUrl,
        user: tomcat.user,
        password: tomcat.password,
      });
      const label = ROUTES[i] ?? 'none';
      await deploy(client, { path: '/app', warFile: await buildTestWar(warDir, { label }) });
    }),
  );
  const servers = Object.fromEntries(tomcats.map((tomcat, i) => [ROUTES[i], new URL(tomcat.baseUrl).host]));
  const options = {
    name: 'front',
    type: 'nginx',
    servers,
    test: ['-'],
    reload: ['-'],
    url: 'http://-',
  } as const;
  nginx = await startNginx({
    writeManagedFile: (file) =>
      writeInitialNginxFile(parseBalancerOptions({ ...options, file }) as SpecOf<'nginx'>),
  });
  const { file, url, test, reload } = nginx;
  spec = parseBalancerOptions({ ...options, file, url, test, reload }) as SpecOf<'nginx'>;
  driver = createNginxDriver(spec);
});

afterAll(async () => {
  await nginx?.stop();
  await Promise.all(tomcats.map((tomcat) => tomcat.stop()));
  if (warDir) await rm(warDir, { recursive: true, force: true });
});

beforeEach(async () => {
  for (const route of ROUTES) await changeMemberState(driver, route, 'ready');
});

/** A visitor whose session lives on `route`: new visitors until the pool sends one there. */
async function stickyVisitorOf(route: string): Promise<{ visitor: Visitor; sessionId: string }> {
  for (let i = 0; i < 20; i++) {
    const visitor = new Visitor(nginx.url);
    const visit = await visitor.get('/app/');
    if (visit.label === route && visit.sessionId !== undefined)
      return { visitor, sessionId: visit.sessionId };
  }
  throw new Error(`no new visitor reached ${route} in 20 tries`);
}

/** Where `count` new visitors land (a label per visit). */
async function newVisitorLabels(count: number): Promise<string[]> {
  const labels: string[] = [];
  for (let i = 0; i < count; i++) labels.push((await new Visitor(nginx.url).get('/app/')).label ?? 'none');
  return labels;
}

describe('the nginx driver against a real nginx 1.22 and two Tomcats', () => {
  it('reads every member ready and unchecked, with the generation nginx serves', async () => {
    const reading = await driver.read();
    expect(reading.members).toEqual([
      { name: 'web1', admin: 'ready', health: 'unchecked' },
      { name: 'web2', admin: 'ready', health: 'unchecked' },
    ]);
    expect((await readMarker(spec)).generation).toBe(reading.generation);
    // Both members take new visitors.
    expect(new Set(await newVisitorLabels(6))).toEqual(new Set(['web1', 'web2']));
  });

  it("keeps a drained member's sticky visitor there, sends new visitors elsewhere; maint moves the sticky one", async () => {
    const { visitor, sessionId } = await stickyVisitorOf('web1');
    const before = await driver.read();
    const drained = await changeMemberState(driver, 'web1', 'drain');
    expect(drained).toMatchObject({ changed: true, before: { admin: 'ready' }, after: { admin: 'drain' } });
    const after = await driver.read();
    expect(after.generation).not.toBe(before.generation);
    // Right after the change: no old worker is left to send a new visitor to web1.
    expect(await newVisitorLabels(20)).toEqual(Array(20).fill('web2'));
    for (let i = 0; i < 5; i++) {
      expect(await visitor.get('/app/')).toMatchObject({ label: 'web1', sessionId });
    }
    // The route in the path (`;jsessionid=`), for a client without cookies, reaches web1 too.
    expect(await new Visitor(nginx.url).get(`/app/;jsessionid=${sessionId}`)).toMatchObject({
      label: 'web1',
      sessionId,
    });

    await changeMemberState(driver, 'web1', 'maint');
    const moved = await visitor.get('/app/');
    expect(moved.label).toBe('web2');
    expect(moved.sessionId).not.toBe(sessionId);
    expect(await newVisitorLabels(10)).toEqual(Array(10).fill('web2'));

    const back = await changeMemberState(driver, 'web1', 'ready');
    expect(back.after.admin).toBe('ready');
    expect(await newVisitorLabels(10)).toContain('web1');
  });

  it('returns only once no old worker takes new connections, which /proc shows here', async () => {
    for (let round = 0; round < 10; round++) {
      const state = round % 2 === 0 ? 'drain' : 'ready';
      expect(await sendNginx(spec, 'web2', state)).toBe('old-workers-stopped');
      // Read at once, before the file: nginx's old workers answer most new connections for the
      // ~100 ms after the new ones start, so one new answer would not have been enough.
      const served = await Promise.all(Array.from({ length: 20 }, () => readMarker(spec)));
      const { generation } = await driver.read();
      expect(new Set(served.map((answer) => answer.generation))).toEqual(new Set([generation]));
    }
  });

  it('keeps both of two changes sent at once', async () => {
    await Promise.all([
      changeMemberState(driver, 'web1', 'drain'),
      changeMemberState(driver, 'web2', 'maint'),
    ]);
    expect((await driver.read()).members.map((member) => member.admin)).toEqual(['drain', 'maint']);
  });

  it("changes nothing when nginx's test fails, and says why", async () => {
    const fileBefore = await readFile(nginx.file, 'utf8');
    const served = (await readMarker(spec)).generation;
    // A port nginx rejects, though it looks like host:port.
    const rejected = createNginxDriver({ ...spec, servers: { ...spec.servers, web2: '127.0.0.1:99999' } });
    const error = await changeMemberState(rejected, 'web1', 'drain').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'E_BALANCER',
      balancer: 'front',
      member: 'web1',
      answer: expect.stringContaining('invalid port in upstream "127.0.0.1:99999"'),
    });
    expect((error as { hint?: string }).hint).toContain('The old file is back');
    const failing = createNginxDriver({ ...spec, test: ['/bin/false'] });
    await expect(changeMemberState(failing, 'web1', 'maint')).rejects.toMatchObject({
      code: 'E_BALANCER',
      answer: 'exit code 1',
    });
    expect(await readFile(nginx.file, 'utf8')).toBe(fileBefore);
    expect((await readMarker(spec)).generation).toBe(served);
    expect((await driver.read()).members.map((member) => member.admin)).toEqual(['ready', 'ready']);
    expect(await newVisitorLabels(6)).toContain('web1');
  });

  it('puts the old file back when the reload refuses the file a passing test let through', async () => {
    const fileBefore = await readFile(nginx.file, 'utf8');
    const served = (await readMarker(spec)).generation;
    const bad = {
      ...spec,
      timeoutMs: 1_000,
      test: ['/bin/true'],
      servers: { ...spec.servers, web2: '127.0.0.1:99999' },
    };
    // `nginx -s reload` reads the whole configuration before it signals the master, and refuses.
    await expect(changeMemberState(createNginxDriver(bad), 'web1', 'drain')).rejects.toMatchObject({
      code: 'E_BALANCER',
      answer: expect.stringContaining('invalid port in upstream "127.0.0.1:99999"'),
    });
    expect(await readFile(nginx.file, 'utf8')).toBe(fileBefore);
    // A bare SIGHUP reaches the master, which keeps its configuration and only logs why.
    const hangUp = ['/bin/sh', '-c', `kill -HUP "$(cat '${nginx.dir}/nginx.pid')"`];
    await expect(
      changeMemberState(createNginxDriver({ ...bad, reload: hangUp }), 'web1', 'drain'),
    ).rejects.toMatchObject({
      code: 'E_BALANCER',
      newGenerationSeen: false,
      answer: 'old generation served',
    });
    expect(await nginx.logTail()).toMatch(/\[emerg\] .*invalid port in upstream "127.0.0.1:99999"/);
    expect(await readFile(nginx.file, 'utf8')).toBe(fileBefore);
    expect((await readMarker(spec)).generation).toBe(served);
    expect(await newVisitorLabels(6)).toContain('web1');
  });

  it('names a missing file, and refuses a file that is not its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-nginx-file-'));
    try {
      const missing = join(dir, 'tomcat-pd.conf');
      await expect(createNginxDriver({ ...spec, file: missing }).read()).rejects.toMatchObject({
        code: 'E_BALANCER',
        message: `Balancer front: the file tomcat-pd owns, ${missing}, is missing.`,
      });
      const foreign = join(dir, 'upstreams.conf');
      await writeFile(foreign, 'upstream app { server 127.0.0.1:8080; }\n');
      const other = createNginxDriver({ ...spec, file: foreign });
      await expect(other.read()).rejects.toMatchObject({
        code: 'E_BALANCER',
        answer: 'it has no "# tomcat-pd-state" line',
      });
      await expect(other.send('web1', 'drain')).rejects.toMatchObject({ code: 'E_BALANCER' });
      expect(await readFile(foreign, 'utf8')).toBe('upstream app { server 127.0.0.1:8080; }\n');
      expect(await writeInitialNginxFile({ ...spec, file: missing })).toBe('written');
      expect(await writeInitialNginxFile({ ...spec, file: missing })).toBe('kept');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails no request of a steady load through a drain and back', async () => {
    const failures: string[] = [];
    let requests = 0;
    let retried = 0;
    let done = false;
    const sticky = await stickyVisitorOf('web1');
    /** Visits until the changes are done; a sticky visitor must reach `stayOn` every time. */
    const load = async (
      visit: () => Promise<{ status: number; label?: string | undefined }>,
      stayOn?: string,
    ) => {
      while (!done && requests < 2_000) {
        requests++;
        try {
          const answer = await visit();
          if (answer.status !== 200 || answer.label === undefined) failures.push(`HTTP ${answer.status}`);
          else if (stayOn !== undefined && answer.label !== stayOn)
            failures.push(`sticky visitor on ${answer.label}`);
        } catch (error) {
          failures.push(String((error as Error).cause ?? error));
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };
    // nginx's old workers close their idle kept-alive connections when the reload ends them: a
    // request sent on one at that moment fails before any answer (`other side closed`, or a
    // reset when it was already on the wire). Browsers send such a request again on another
    // connection, and so do these visitors (fetch's pool may hold more than one such
    // connection). Fresh connections are never refused: those loops do not retry.
    const again = async <T>(visit: () => Promise<T>): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await visit();
        } catch (error) {
          const code = ((error as Error).cause as { code?: string } | undefined)?.code;
          if (attempt >= 3 || (code !== 'UND_ERR_SOCKET' && code !== 'ECONNRESET')) throw error;
          retried++;
        }
      }
    };
    const loops = [
      load(() => again(() => sticky.visitor.get('/app/')), 'web1'),
      load(() => again(() => new Visitor(nginx.url).get('/app/'))),
      load(() => freshGet('/app/', `JSESSIONID=${sticky.sessionId}`), 'web1'),
      load(() => freshGet('/app/')),
    ];
    for (const state of ['drain', 'ready', 'drain', 'ready'] as const) {
      await changeMemberState(driver, 'web1', state);
    }
    done = true;
    await Promise.all(loops);
    expect(requests).toBeGreaterThan(40);
    expect(failures).toEqual([]);
    expect(retried).toBeLessThan(requests / 4);
  });

  // Last: it stops web2's Tomcat.
  it("sends a stopped member's sticky visitors to a ready member rather than answering 502", async () => {
    const { visitor, sessionId } = await stickyVisitorOf('web2');
    await changeMemberState(driver, 'web2', 'drain');
    await tomcats[1]?.stop();
    const moved = await visitor.get('/app/');
    expect(moved).toMatchObject({ status: 200, label: 'web1' });
    expect(moved.sessionId).not.toBe(sessionId);
    expect(await newVisitorLabels(4)).toEqual(Array(4).fill('web1'));
  });
});

/** A GET on a connection of its own (no keep-alive), parsed like a Visitor's. */
function freshGet(path: string, cookie?: string): Promise<{ status: number; label?: string | undefined }> {
  return new Promise((resolve, reject) => {
    const headers = cookie === undefined ? {} : { cookie };
    http
      .get(new URL(path, nginx.url), { agent: false, headers }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, label: /^label=(\S+)/m.exec(body)?.[1] }),
        );
      })
      .on('error', reject);
  });
}
