/**
 * Records real answers of the Manager's `findleaks` (ManagerServlet.findleaks, StandardHost's
 * findReloadedContextMemoryLeaks) as fixtures, byte for byte: Tomcat 10.1 (Debian's tomcat10)
 * into packages/testkit/fixtures/, then Tomcat 9.0.70 (assembled from libtomcat9-java) into
 * packages/testkit/fixtures/tomcat9/. Prints each answer's HTTP status, size and how long the
 * call took (every call runs `System.gc()` on the server). Run from the repository root:
 *
 *   npx tsx packages/testkit/scripts/record-findleaks-fixtures.ts
 *
 * The steps, on a fresh Tomcat of each line (the leaks add up: a leaked class loader stays until
 * the JVM ends):
 * 1. (9.0 only) `findleaks` without statusLine, nothing undeployed yet: `findleaks-empty.txt`.
 * 2. `/tidy##001` (tidy WAR) deployed and undeployed: `findleaks-tidy-undeployed.txt`.
 * 3. `/leaky##001` (leaky WAR) deployed and undeployed: `findleaks-one-leak.txt`, asked twice (is
 *    the answer stable?), and `findleaks-one-leak-no-statusline.txt` without statusLine.
 * 4. `/other##001` (leaky) deployed and undeployed: `findleaks-two-apps.txt`.
 * 5. `/leaky##002` (leaky) deployed and undeployed: `findleaks-two-versions.txt` (two leaked
 *    class loaders of one path: does it repeat?).
 * 6. `/##001` (ROOT, leaky) deployed and undeployed: `findleaks-root.txt`.
 * 7. `/held##001` (leaky) deployed and only stopped: `findleaks-stopped.txt`.
 * Every Tomcat is stopped, even on failure.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLeakyWar, buildTidyWar } from '../src/leak-wars.js';
import { startLocalTomcat } from '../src/local-tomcat.js';
import type { LocalTomcatInstance } from '../src/local-tomcat.js';
import { RECORDED_DIR } from '../src/recorded.js';
import { basicAuth, LINE_ENV } from '../src/tomcat-instance.js';
import type { TomcatLine } from '../src/tomcat-instance.js';

/** GETs a text API command as the script user, English answers; returns the raw body and the time taken. */
async function get(
  tomcat: LocalTomcatInstance,
  command: string,
): Promise<{ status: number; body: Buffer; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${tomcat.managerUrl}/text/${command}`, {
    headers: { authorization: basicAuth(tomcat.users.script), 'accept-language': 'en' },
  });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body, ms: Math.round(performance.now() - started) };
}

/** Asks `findleaks` and saves the raw body as `file` (under `dir`); prints status, size, time, text. */
async function record(tomcat: LocalTomcatInstance, dir: string, file: string, statusLine = true) {
  const answer = await get(tomcat, statusLine ? 'findleaks?statusLine=true' : 'findleaks');
  await writeFile(join(dir, file), answer.body);
  console.log(
    `${file}: HTTP ${answer.status}, ${answer.body.length} bytes, ${answer.ms} ms: ` +
      JSON.stringify(answer.body.toString('utf8')),
  );
  return answer;
}

/** PUT-deploys a WAR through the text API; throws unless Tomcat answers `OK -`. */
async function deployWar(tomcat: LocalTomcatInstance, path: string, version: string, war: string) {
  const query = new URLSearchParams({ path, version });
  const res = await fetch(`${tomcat.managerUrl}/text/deploy?${query.toString()}`, {
    method: 'PUT',
    headers: { authorization: basicAuth(tomcat.users.script), 'accept-language': 'en' },
    body: await readFile(war),
  });
  const text = await res.text();
  if (!text.startsWith('OK -')) throw new Error(`deploy ${path}##${version}: ${text}`);
}

/** Runs a command that must answer `OK -` (undeploy, stop). */
async function expectOk(tomcat: LocalTomcatInstance, command: string, path: string, version: string) {
  const query = new URLSearchParams({ path, version });
  const text = (await get(tomcat, `${command}?${query.toString()}`)).body.toString('utf8');
  if (!text.startsWith('OK -')) throw new Error(`${command} ${path}##${version}: ${text}`);
  console.log(`${command} ${path}##${version}: ${text.trim()}`);
}

async function phase(line: TomcatLine, wars: string): Promise<void> {
  // The WARs' web.xml and the listener's Servlet API follow the line (test-war.ts reads it).
  process.env[LINE_ENV] = line;
  const out = line === '10.1' ? RECORDED_DIR : join(RECORDED_DIR, 'tomcat9');
  const dir = await mkdtemp(join(wars, `${line}-`));
  const tomcat = await startLocalTomcat({ line });
  try {
    const info = (await get(tomcat, 'serverinfo')).body.toString('utf8').split('\n')[1];
    console.log(`--- ${line}: ${info}`);
    if (line === '9.0') await record(tomcat, out, 'findleaks-empty.txt', false);

    await deployWar(tomcat, '/tidy', '001', await buildTidyWar(dir, { label: 'tidy' }));
    await expectOk(tomcat, 'undeploy', '/tidy', '001');
    await record(tomcat, out, 'findleaks-tidy-undeployed.txt');

    await deployWar(tomcat, '/leaky', '001', await buildLeakyWar(dir, { label: 'leaky-001' }));
    await expectOk(tomcat, 'undeploy', '/leaky', '001');
    await record(tomcat, out, 'findleaks-one-leak.txt');
    const again = await get(tomcat, 'findleaks?statusLine=true');
    console.log(`  asked again: ${again.ms} ms, ${JSON.stringify(again.body.toString('utf8'))}`);
    await record(tomcat, out, 'findleaks-one-leak-no-statusline.txt', false);

    await deployWar(tomcat, '/other', '001', await buildLeakyWar(dir, { label: 'other-001' }));
    await expectOk(tomcat, 'undeploy', '/other', '001');
    await record(tomcat, out, 'findleaks-two-apps.txt');

    await deployWar(tomcat, '/leaky', '002', await buildLeakyWar(dir, { label: 'leaky-002' }));
    await expectOk(tomcat, 'undeploy', '/leaky', '002');
    await record(tomcat, out, 'findleaks-two-versions.txt');

    await deployWar(tomcat, '/', '001', await buildLeakyWar(dir, { label: 'root-001' }));
    await expectOk(tomcat, 'undeploy', '/', '001');
    await record(tomcat, out, 'findleaks-root.txt');

    await deployWar(tomcat, '/held', '001', await buildLeakyWar(dir, { label: 'held-001' }));
    await expectOk(tomcat, 'stop', '/held', '001');
    await record(tomcat, out, 'findleaks-stopped.txt');

    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push((await get(tomcat, 'findleaks?statusLine=true')).ms);
    console.log(`  5 more calls: ${times.join(', ')} ms`);
    const log = await readFile(join(tomcat.catalinaBase, 'logs/catalina.out'), 'utf8');
    const warnings = log.split('\n').filter((l) => /failed to stop it|memory leak/i.test(l));
    console.log(`  catalina.out, leak warnings:\n  ${warnings.map((l) => l.slice(0, 300)).join('\n  ')}`);
  } finally {
    await tomcat.stop();
  }
}

async function main(): Promise<void> {
  const wars = await mkdtemp(join(tmpdir(), 'findleaks-fixtures-'));
  try {
    await phase('10.1', wars);
    await phase('9.0', wars);
  } finally {
    await rm(wars, { recursive: true, force: true });
  }
}

await main();
