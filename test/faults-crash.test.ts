/**
 * Faults: Tomcat dies (SIGKILL) in the middle of a deploy and is started again.
 *
 * - Killed while the WAR is being uploaded. Promise: the deploy exits 4 and says the connection
 *   was lost; Tomcat keeps the half-written `app##002.war` in appBase and at the restart deploys
 *   it as a context that failed to start (stopped, docBase still `app##002.war`: it could not even
 *   be unpacked). `status` shows it, and the next `drain` removes it although it sorts above the
 *   live version (a version that never unpacked never ran: it is no roll-forward target); the
 *   previous version serves all along, and a fresh deploy takes the freed version and goes live.
 * - Killed after the upload, while Tomcat starts the new version (a JSP loaded on start-up sleeps
 *   in jspInit). Promise: the deploy exits 4; the WAR on disk is complete, so the restart deploys
 *   and starts it like every WAR in appBase (docs/tomcat-manager.md#stop-and-restart): it comes back live, and
 *   the next `drain` removes the old version. Either way nothing is left stopped.
 * - Killed while `drain --grace 3s` waits out its grace period. Promise: the drain exits 4, names
 *   the lost connection and says it had undeployed nothing; after the restart (the JVM's
 *   sessions died with it) the next `drain` completes: it removes what is drained now and leaves
 *   the live version and a version that has a session untouched, that visitor still on it.
 */
import { createWriteStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { deploy } from '@tomcat-pd/core';
import {
  cliAgainst,
  collect,
  connection,
  expectExit,
  jsonOf,
  spawnCli,
  type CliResult,
} from './cli-helpers.js';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildLargeWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import type { TomcatInstance } from '@tomcat-pd/testkit/tomcat-instance';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { useTomcat } from './support.js';

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);

interface StatusVersion {
  version: string;
  state: string;
  role: string;
  sessions: number;
  name: string;
}

/** `status --path P --json`: the app's versions as `[version, state, role, docBase]`. */
async function statusOf(path: string): Promise<[string, string, string, string][]> {
  const document = jsonOf<{ apps: { versions: StatusVersion[] }[] }>(
    await cli(['status', '--path', path, '--json']),
  );
  return (document.apps[0]?.versions ?? []).map((v) => [v.version, v.state, v.role, v.name]);
}

/** Starts `tomcat-pd deploy WAR --path P` in a child process; the caller awaits `done`. */
function startDeploy(
  war: string,
  path: string,
  ...extra: string[]
): { done: Promise<CliResult>; stderr: () => string } {
  return startCli(['deploy', war, '--path', path, ...extra]);
}

/** Starts `tomcat-pd ARGS` against the fixture's Tomcat; stderr can be read while it runs. */
function startCli(args: string[]): { done: Promise<CliResult>; stderr: () => string } {
  const tomcat = fixture.tomcat;
  const child = spawnCli([...args, ...connection(tomcat)], { env: { TOMCAT_PD_PASSWORD: tomcat.password } });
  let stderr = '';
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  return { done: collect(child, 60_000, args), stderr: () => stderr };
}

function isLocal(tomcat: TomcatInstance): tomcat is LocalTomcatInstance {
  return tomcat.kind === 'local';
}

/**
 * Waits until Tomcat has written at least `bytes` of the uploaded WAR into appBase (a local
 * Tomcat: the file is watched). A Tomcat in Docker cannot be watched: then 100 ms after the PUT
 * began (`--verbose` logs it), which may be before Tomcat wrote a byte (the test then still
 * holds, with less to clean up; the assertions on the half WAR are for a local Tomcat).
 */
async function waitForUploadedBytes(
  stderr: () => string,
  fileName: string,
  bytes: number,
): Promise<number | undefined> {
  const tomcat = fixture.tomcat;
  await waitForStderr(stderr, /PUT \/manager\/text\/deploy/);
  if (!isLocal(tomcat)) {
    await sleep(100);
    return undefined;
  }
  const file = join(tomcat.catalinaBase, 'webapps', fileName);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const size = (await stat(file).catch(() => undefined))?.size ?? 0;
    if (size >= bytes) return size;
    await sleep(10);
  }
  throw new Error(`Tomcat did not write ${bytes} bytes of ${fileName} within 20 s`);
}

/** What is in appBase for an app (a local Tomcat only; undefined in Docker). */
async function appBaseFiles(baseName: string): Promise<string[] | undefined> {
  const tomcat = fixture.tomcat;
  if (!isLocal(tomcat)) return undefined;
  const files = await readdir(join(tomcat.catalinaBase, 'webapps'));
  return files.filter((file) => file === baseName || file.startsWith(`${baseName}##`)).sort();
}

/** Waits until the child's stderr so far matches `pattern`. */
async function waitForStderr(read: () => string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`no ${String(pattern)} on stderr; got:\n${read()}`);
    await sleep(10);
  }
}

const INDEX_JSP =
  '<%@ page contentType="text/plain; charset=UTF-8" trimDirectiveWhitespaces="true" %>\n' +
  'label=<%= application.getInitParameter("label") %>' +
  ' version=<%= application.getAttribute("org.apache.catalina.webappVersion") %>' +
  ' session=<%= session.getId() %>\n';

/**
 * A WAR whose context takes `sleepMs` longer to start: a JSP declared as a servlet with
 * `load-on-startup` is compiled and initialised while the context starts, and its jspInit sleeps.
 * (No Java compiler needed: Tomcat compiles the JSP.) index.jsp is the harness's test page.
 */
async function buildSlowStartWar(dir: string, label: string, sleepMs: number): Promise<string> {
  const webXml = `<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
  <context-param><param-name>label</param-name><param-value>${label}</param-value></context-param>
  <servlet>
    <servlet-name>slow-start</servlet-name>
    <jsp-file>/WEB-INF/slow-start.jsp</jsp-file>
    <load-on-startup>1</load-on-startup>
  </servlet>
</web-app>
`;
  const slowJsp =
    '<%! public void jspInit() { System.out.println("pd-test: slow start begins");' +
    ` try { Thread.sleep(${sleepMs}L); } catch (InterruptedException e) { Thread.currentThread().interrupt(); } } %>\n`;
  const zip = new ZipFile();
  zip.addBuffer(Buffer.from(webXml), 'WEB-INF/web.xml');
  zip.addBuffer(Buffer.from(slowJsp), 'WEB-INF/slow-start.jsp');
  zip.addBuffer(Buffer.from(INDEX_JSP), 'index.jsp');
  zip.end();
  const path = join(dir, `${label}.war`);
  const out = createWriteStream(path);
  zip.outputStream.pipe(out);
  await finished(out);
  return path;
}

describe('Tomcat killed during a deploy, then restarted', () => {
  it('mid-upload: the deploy exits 4; after the restart drain removes the unpacked-never debris above live, and the next deploy goes live', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/crash',
      warFile: await buildTestWar(warDir, { label: 'before', fileName: 'crash-before.war' }),
    });
    const large = await buildLargeWar(warDir, 150_000_000, 'crash-large');
    const upload = startDeploy(large, '/crash', '--verbose');
    // Some of the 150 MB are on Tomcat's disk, most are still to come.
    const written = await waitForUploadedBytes(upload.stderr, 'crash##002.war', 5_000_000);
    await tomcat.kill();
    const result = await upload.done;
    expectExit(result, 4);
    expect(result.stderr).toMatch(/crash##002/);
    expect(result.stderr).toMatch(/Cannot reach the Manager .*(reset|refused|closed|socket hang up)/);
    if (written !== undefined) {
      const files = await appBaseFiles('crash');
      expect(files).toEqual(['crash##001', 'crash##001.war', 'crash##002.war']);
      expect(
        (await stat(join((tomcat as LocalTomcatInstance).catalinaBase, 'webapps/crash##002.war'))).size,
      ).toBeLessThan(150_000_000);
    }

    await tomcat.restart();
    // The command could not remove its release lock from the killed Tomcat, which brings the
    // record back: it would keep others out until it expires; released by hand (docs/lock.md).
    expectExit(await cli(['lock', 'release', '--path', '/crash', '--force']), 0);
    // The restart deployed the half WAR: it could not be unpacked, so it sits there stopped,
    // its docBase still the .war, and above the live version. The old version serves.
    const afterRestart = await statusOf('/crash');
    expect(afterRestart[0]).toEqual(['001', 'running', 'live', 'crash##001']);
    if (written !== undefined) {
      expect(afterRestart[1]).toEqual(['002', 'stopped', 'stopped', 'crash##002.war']);
    }
    expect(await new Visitor(tomcat.baseUrl).get('/crash/')).toMatchObject({
      label: 'before',
      version: '001',
    });

    const drained = jsonOf<{ apps: { versions: { version: string; outcome: string; reason: string }[] }[] }>(
      await cli(['drain', '--path', '/crash', '--grace', '0', '--json']),
    );
    const versions = drained.apps[0]?.versions ?? [];
    expect(versions.find((v) => v.version === '001')).toMatchObject({ outcome: 'kept', reason: 'live' });
    if (written !== undefined) {
      expect(versions.find((v) => v.version === '002')).toMatchObject({
        outcome: 'undeployed',
        reason: expect.stringMatching(/failed to start/),
      });
    }
    expect(await statusOf('/crash')).toEqual([['001', 'running', 'live', 'crash##001']]);
    if (written !== undefined) expect(await appBaseFiles('crash')).toEqual(['crash##001', 'crash##001.war']);

    // The freed version is taken by the next deploy, which goes live.
    const good = await buildTestWar(warDir, { label: 'after', fileName: 'crash-after.war' });
    const redeploy = jsonOf<{ version: string }>(await cli(['deploy', good, '--path', '/crash', '--json']));
    expect(redeploy.version).toBe('002');
    expect(await new Visitor(tomcat.baseUrl).get('/crash/')).toMatchObject({
      label: 'after',
      version: '002',
    });
    expect((await statusOf('/crash')).map(([version, state]) => [version, state])).toEqual([
      ['001', 'running'],
      ['002', 'running'],
    ]);
  });

  it('while the new version starts: the deploy exits 4; the restart starts the complete WAR, it is live, and drain removes the old one', async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/slow',
      warFile: await buildTestWar(warDir, { label: 'steady', fileName: 'slow-steady.war' }),
    });
    const slow = await buildSlowStartWar(warDir, 'slowstart', 3_000);
    const upload = startDeploy(slow, '/slow');
    // Printed once the last byte is sent; Tomcat then unpacks, compiles the JSP and sleeps 3 s.
    await waitForStderr(upload.stderr, /waiting for Tomcat to start \/slow##002/);
    await sleep(1_000);
    // Tomcat adds the context before starting it: listed, not yet running, and it refuses to
    // undeploy it until the deploy is over (what lets drain treat a stopped .war as debris).
    expect((await client.list()).find((c) => c.path === '/slow' && c.version === '002')).toMatchObject({
      state: 'stopped',
    });
    await expect(client.undeploy({ path: '/slow', version: '002' })).rejects.toMatchObject({
      code: 'E_TOMCAT_FAIL',
    });
    await tomcat.kill();
    const result = await upload.done;
    expectExit(result, 4);
    expect(result.stderr).toMatch(/slow##002/);
    expect(result.stderr).toMatch(/Cannot reach the Manager/);

    await tomcat.restart();
    // The command could not remove its release lock from the killed Tomcat, which brings the
    // record back: it would keep others out until it expires; released by hand (docs/lock.md).
    expectExit(await cli(['lock', 'release', '--path', '/slow', '--force']), 0);
    // Every WAR in appBase is deployed and started at a restart: the complete one too.
    expect(await statusOf('/slow')).toEqual([
      ['001', 'running', 'drained', 'slow##001'],
      ['002', 'running', 'live', 'slow##002'],
    ]);
    expect(await new Visitor(tomcat.baseUrl).get('/slow/')).toMatchObject({
      label: 'slowstart',
      version: '002',
    });
    expectExit(await cli(['drain', '--path', '/slow', '--grace', '0']), 0);
    expect(await statusOf('/slow')).toEqual([['002', 'running', 'live', 'slow##002']]);
    // Not part of the promise: spares the next restart in this file the 3 s start.
    await client.undeploy({ path: '/slow', version: '002' });
  });
});

describe('Tomcat killed during a drain, then restarted', () => {
  it('the drain exits 4 naming the lost connection; after the restart drain completes and spares the live version and one with a session', async () => {
    const { client, tomcat, warDir } = fixture;
    const deployLabel = async (label: string) =>
      deploy(client, {
        path: '/dr',
        warFile: await buildTestWar(warDir, { label, fileName: `dr-${label}.war` }),
      });
    await deployLabel('d1');
    const early = new Visitor(tomcat.baseUrl);
    expect(await early.get('/dr/')).toMatchObject({ version: '001' });
    await deployLabel('d2');
    await deployLabel('d3');
    expect((await statusOf('/dr')).map(([version, , role]) => [version, role])).toEqual([
      ['001', 'draining'],
      ['002', 'drained'],
      ['003', 'live'],
    ]);

    // --verbose logs each request: after the list, the drain sleeps out its 3 s grace period.
    const draining = startCli(['drain', '--path', '/dr', '--grace', '3s', '--verbose']);
    await waitForStderr(draining.stderr, /GET \/manager\/text\/list/);
    await sleep(800);
    await tomcat.kill();
    const result = await draining.done;
    expectExit(result, 4);
    expect(result.stderr).toMatch(/Cannot reach the Manager/);
    expect(result.stderr).toMatch(/stopped there; it had undeployed nothing yet/);
    expect(result.stderr).toMatch(/Run drain again/);

    await tomcat.restart();
    // The command could not remove its release lock from the killed Tomcat, which brings the
    // record back: it would keep others out until it expires; released by hand (docs/lock.md).
    expectExit(await cli(['lock', 'release', '--path', '/dr', '--force']), 0);
    // SIGKILL: the sessions died with the JVM. 002 was not touched; 001 lost its visitor's session.
    expect((await statusOf('/dr')).map(([version, state, role]) => [version, state, role])).toEqual([
      ['001', 'running', 'drained'],
      ['002', 'running', 'drained'],
      ['003', 'running', 'live'],
    ]);
    // A visitor on 002 after the restart: 003 stopped for a moment (new visitors go to 002), then
    // started again; the session keeps that visitor on 002.
    await client.stop({ path: '/dr', version: '003' });
    const onTwo = new Visitor(tomcat.baseUrl);
    const first = await onTwo.get('/dr/');
    expect(first).toMatchObject({ label: 'd2', version: '002' });
    await client.start({ path: '/dr', version: '003' });

    const report = jsonOf<{
      undeployed: number;
      apps: { versions: { version: string; outcome: string }[] }[];
    }>(await cli(['drain', '--path', '/dr', '--grace', '1s', '--json']));
    expect(report.apps[0]?.versions.map((v) => [v.version, v.outcome])).toEqual([
      ['001', 'undeployed'],
      ['002', 'kept'],
      ['003', 'kept'],
    ]);
    expect(await statusOf('/dr')).toEqual([
      ['002', 'running', 'draining', 'dr##002'],
      ['003', 'running', 'live', 'dr##003'],
    ]);
    expect(await onTwo.get('/dr/')).toMatchObject({ version: '002', sessionId: first.sessionId });
    expect(await early.get('/dr/')).toMatchObject({ label: 'd3', version: '003' });
  });
});
