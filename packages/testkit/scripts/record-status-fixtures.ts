/**
 * Records real answers of the Manager's status page (StatusManagerServlet) as fixtures in
 * packages/testkit/fixtures/status/, byte for byte, and prints each answer's HTTP status and
 * Content-Type (copied into that folder's README.md by hand). Run from the repository root:
 *
 *   pnpm run build && npx tsx packages/testkit/scripts/record-status-fixtures.ts
 *
 * Phase 1: Debian's Tomcat 10.1 (local, not Docker), with `/shop` 001 (never requested), 002
 * (live: visitors, a 500 set by a JSP, 404s), 003 (stopped), `/plain` (unversioned: visits and a
 * JSP that throws), ROOT `##001` (2 sessions expired by the Manager after ~2.5 s, then 1 more),
 * and a user without roles (403). Phase 2: Tomcat 9.0.70 from libtomcat9-java, the same URL.
 * Every Tomcat is stopped, even on failure.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { ZipFile } from 'yazl';
import { startLocalTomcat } from '../src/local-tomcat.js';
import { RECORDED_DIR } from '../src/recorded.js';
import type { LocalTomcatInstance } from '../src/local-tomcat.js';
import { buildHealthWar, buildTestWar } from '../src/test-war.js';
import { basicAuth, LINE_ENV } from '../src/tomcat-instance.js';
import type { TomcatUser } from '../src/tomcat-instance.js';

const OUT = join(RECORDED_DIR, 'status');

/** A user without any manager role, added to tomcat-users.xml before a restart (for the 403). */
const NO_ROLE: TomcatUser = { name: 'pd-norole', password: 'norole-pw' };

interface Answer {
  status: number;
  contentType: string | null;
  body: Buffer;
}

async function get(url: string, user?: TomcatUser, cookie?: string): Promise<Answer> {
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (user !== undefined) headers.authorization = basicAuth(user);
  if (cookie !== undefined) headers.cookie = cookie;
  const res = await fetch(url, { headers, redirect: 'manual' });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: Buffer.from(await res.arrayBuffer()),
  };
}

/** GETs `url` and saves the raw body as `file`; prints status, Content-Type and size. */
async function record(file: string, url: string, user: TomcatUser): Promise<Answer> {
  const answer = await get(url, user);
  await writeFile(join(OUT, file), answer.body);
  console.log(
    `${file}: GET ${new URL(url).pathname}${new URL(url).search} -> HTTP ${answer.status}, ` +
      `Content-Type: ${answer.contentType ?? '(none)'}, ${answer.body.length} bytes`,
  );
  return answer;
}

/** PUT-deploys a WAR through the text API; throws unless Tomcat answers `OK -`. */
async function deployWar(tomcat: LocalTomcatInstance, path: string, war: string, version?: string) {
  const query = new URLSearchParams({ path });
  if (version !== undefined) query.set('version', version);
  const res = await fetch(`${tomcat.managerUrl}/text/deploy?${query.toString()}`, {
    method: 'PUT',
    headers: { authorization: basicAuth(tomcat.users.script) },
    body: await readFile(war),
  });
  const text = await res.text();
  if (!text.startsWith('OK -')) throw new Error(`deploy ${path}##${version ?? ''}: ${text}`);
}

async function text(tomcat: LocalTomcatInstance, command: string): Promise<string> {
  const answer = await get(`${tomcat.managerUrl}/text/${command}`, tomcat.users.script);
  return answer.body.toString('utf8');
}

/** A WAR without web.xml: index.jsp (no session) and boom.jsp, which throws (an uncaught exception). */
async function buildPlainWar(dir: string): Promise<string> {
  const zip = new ZipFile();
  const index =
    '<%@ page session="false" contentType="text/plain; charset=UTF-8" trimDirectiveWhitespaces="true" %>\nplain\n';
  const boom =
    '<%@ page session="false" contentType="text/plain; charset=UTF-8" %>\n' +
    '<% if (true) throw new IllegalStateException("boom for the status fixtures"); %>\n';
  zip.addBuffer(Buffer.from(index), 'index.jsp');
  zip.addBuffer(Buffer.from(boom), 'boom.jsp');
  zip.end();
  const path = join(dir, 'plain.war');
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await finished(out);
  return path;
}

/** `times` GETs of `path` on the instance (no cookies kept); returns the statuses seen. */
async function hit(tomcat: LocalTomcatInstance, path: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) statuses.push((await get(`${tomcat.baseUrl}${path}`)).status);
  return statuses;
}

/** Prints the structure of a status JSON body: its keys, the first context, the JVM part. */
function describe(body: Buffer): void {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    console.log('JSON.parse: accepted');
    console.log(JSON.stringify(parsed, null, 1).slice(0, 6000));
  } catch (error) {
    console.log(`JSON.parse: REJECTED: ${String(error)}`);
  }
}

async function withTomcat(
  line: '10.1' | '9.0',
  work: (tomcat: LocalTomcatInstance) => Promise<void>,
): Promise<void> {
  process.env[LINE_ENV] = line;
  const tomcat = await startLocalTomcat({ line });
  try {
    await work(tomcat);
  } finally {
    await tomcat.stop();
  }
}

async function phase10(dir: string): Promise<void> {
  await withTomcat('10.1', async (tomcat) => {
    // A user with no role, for the 403: tomcat-users.xml is read at start-up.
    const usersFile = join(tomcat.catalinaBase, 'conf/tomcat-users.xml');
    const users = await readFile(usersFile, 'utf8');
    await writeFile(
      usersFile,
      users.replace(
        '</tomcat-users>',
        `  <user username="${NO_ROLE.name}" password="${NO_ROLE.password}" roles=""/>\n</tomcat-users>`,
      ),
    );
    await tomcat.restart();
    const script = tomcat.users.script;
    const status = `${tomcat.managerUrl}/status`;

    await record('serverinfo-10.1.txt', `${tomcat.managerUrl}/text/serverinfo`, script);

    await deployWar(tomcat, '/shop', await buildTestWar(dir, { label: 'shop-001' }), '001');
    await deployWar(
      tomcat,
      '/shop',
      await buildHealthWar(dir, { label: 'shop-002', health: 'error' }),
      '002',
    );
    await deployWar(tomcat, '/shop', await buildTestWar(dir, { label: 'shop-003' }), '003');
    console.log('stop 003:', (await text(tomcat, 'stop?path=/shop&version=003')).trim());
    await deployWar(tomcat, '/plain', await buildPlainWar(dir));
    await deployWar(tomcat, '/', await buildTestWar(dir, { label: 'root-001' }), '001');

    // 5 visitors without cookies: 5 sessions on the newest running /shop version.
    for (let i = 0; i < 5; i++) {
      const visit = await get(`${tomcat.baseUrl}/shop/`);
      console.log(`visitor ${i + 1}: ${visit.status} ${visit.body.toString('utf8').trim()}`);
    }
    console.log('/shop/health (500 set by the JSP):', await hit(tomcat, '/shop/health', 3));
    console.log('/shop/nope (404):', await hit(tomcat, '/shop/nope', 2));
    console.log('/plain/:', await hit(tomcat, '/plain/', 4));
    console.log('/plain/boom.jsp (throws):', await hit(tomcat, '/plain/boom.jsp', 2));
    // ROOT: 2 sessions that live ~2.5 s and are expired, then 1 more that stays: expiredSessions,
    // the alive times (whole seconds) and maxActive all differ from the active count.
    console.log('/ (ROOT##001):', await hit(tomcat, '/', 2));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    console.log('expire:', (await text(tomcat, 'expire?path=/&version=001&idle=0')).trim());
    console.log('/ (ROOT##001):', await hit(tomcat, '/', 1));
    console.log((await text(tomcat, 'list')).trim());

    const all = await record('status-all-10.1.json', `${status}/all?JSON=true`, script);
    describe(all.body);
    await record('status-all-10.1-xml.xml', `${status}/all?XML=true`, script);
    const short = await record('status-10.1.json', `${status}?JSON=true`, script);
    describe(short.body);

    const gui = await get(`${status}/all?JSON=true`, tomcat.users.guiOnly);
    console.log(`manager-gui user: HTTP ${gui.status}, ${gui.contentType}, ${gui.body.length} bytes`);
    await record('status-all-10.1-no-role-403.html', `${status}/all?JSON=true`, NO_ROLE);
    const wrong = await get(`${status}/all?JSON=true`, { name: script.name, password: 'wrong' });
    console.log(`wrong password: HTTP ${wrong.status}, ${wrong.contentType}`);
  });
}

async function phase9(): Promise<void> {
  await withTomcat('9.0', async (tomcat) => {
    const script = tomcat.users.script;
    await record('serverinfo-9.0.70.txt', `${tomcat.managerUrl}/text/serverinfo`, script);
    const answer = await record(
      'status-all-9.0.70.html',
      `${tomcat.managerUrl}/status/all?JSON=true`,
      script,
    );
    console.log(`first bytes: ${JSON.stringify(answer.body.subarray(0, 200).toString('utf8'))}`);
  });
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const dir = await mkdtemp(join(tmpdir(), 'status-fixtures-'));
  try {
    await phase10(dir);
    await phase9();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
