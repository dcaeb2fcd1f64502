/**
 * Notifications and the audit trail (README: Notifications and the audit trail): every command
 * that changes a real Tomcat sends a start and an end document to the config's webhooks (here a
 * local HTTP receiver) and appends the same documents to the audit file (the lb commands too,
 * with a real haproxy in front of two Tomcats); reading commands send nothing; a webhook that is
 * down changes nothing but a warning; a deploy killed mid-upload leaves its start record whole.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFailingWar, buildLargeWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import type { HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import { collect, expectExit, jsonOf, runCli, spawnCli, type CliResult } from './cli-helpers.js';
import {
  fleetEnv,
  startHaproxyInFront,
  startRoutedTomcats,
  writeFleetConfig,
  type RoutedTomcats,
} from './routed-tomcats.js';
import { useTomcat } from './support.js';
import type { ChangeEvent } from '../packages/cli/src/events/change-event.js';

const fixture = useTomcat();

/** The local webhook: every document it was sent, in order. */
const received: ChangeEvent[] = [];
const contentTypes = new Set<string | undefined>();
let receiver: Server;
let hookUrl: string;
let dir: string;
const ACTOR = 'ci job 4711';

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      contentTypes.add(request.headers['content-type']);
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChangeEvent);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  // A path with a token in it, as Slack's webhooks have.
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T01/B02/tok3n`;
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-notify-'));
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  received.length = 0;
  await rm(join(dir, 'audit.jsonl'), { force: true });
});

/** tomcat-pd.json in the test's folder: the fixture's Tomcat as `web1`, and the given webhooks. */
async function writeConfig(notify: string[]): Promise<void> {
  const { managerUrl, user } = fixture.tomcat;
  const config = {
    targets: [{ name: 'web1', url: managerUrl, user, passwordEnv: 'PD_TEST_PASSWORD' }],
    notify,
    auditLog: 'audit.jsonl',
  };
  await writeFile(join(dir, 'tomcat-pd.json'), JSON.stringify(config));
}

/** `tomcat-pd ARGS` in the folder of the config file, as a CI job named by $TOMCAT_PD_ACTOR. */
function pd(args: string[]): Promise<CliResult> {
  return runCli(args, {
    cwd: dir,
    env: { PD_TEST_PASSWORD: fixture.tomcat.password, TOMCAT_PD_ACTOR: ACTOR },
  });
}

async function auditRecords(): Promise<ChangeEvent[]> {
  const text = await readFile(join(dir, 'audit.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ChangeEvent);
}

/** The start and the end of one change, checked against each other. */
function startAndEnd(documents: ChangeEvent[]): [ChangeEvent, ChangeEvent] {
  expect(documents.map((document) => document.phase)).toEqual(['start', 'end']);
  const [start, end] = documents as [ChangeEvent, ChangeEvent];
  expect(start.outcome).toBeUndefined();
  expect(Date.parse(end.at) - Date.parse(start.at)).toBe(end.durationMs);
  return [start, end];
}

/** Starts a deploy of an 80 MB WAR in the config's folder; resolves once its upload began (`--verbose` logs the PUT). */
async function deployUploading(path: string, ...extra: string[]) {
  const large = await buildLargeWar(fixture.warDir, 80_000_000, path.slice(1));
  const child = spawnCli(['deploy', large, '--path', path, '--verbose', ...extra], {
    cwd: dir,
    env: { PD_TEST_PASSWORD: fixture.tomcat.password, TOMCAT_PD_ACTOR: ACTOR },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const done = collect(child, 60_000);
  const deadline = Date.now() + 20_000;
  // The app's upload, not the release lock's record (a deploy under /tomcat-pd-lock comes first).
  const upload = new RegExp(`PUT /manager/text/deploy\\?path=%2F${path.slice(1)}`);
  while (!upload.test(stderr)) {
    if (Date.now() > deadline) throw new Error(`the upload did not begin; stderr:\n${stderr}`);
    await sleep(10);
  }
  return { child, done };
}

describe('notify and auditLog against a real Tomcat', () => {
  it('deploy, rollback and undeploy each send a start and an end, and the audit file has the same lines', async () => {
    await writeConfig([hookUrl]);
    const war = (label: string) => buildTestWar(fixture.warDir, { label, fileName: `${label}.war` });

    expectExit(await pd(['deploy', await war('n1'), '--path', '/note', '--build-id', 'b1']), 0);
    const [deployStart, deployEnd] = startAndEnd(received.splice(0));
    expect(deployStart).toEqual({
      event: 'deploy',
      phase: 'start',
      app: '/note',
      version: null,
      buildId: 'b1',
      targets: ['web1'],
      actor: ACTOR,
      at: expect.any(String),
      text: `tomcat-pd deploy /note on web1 by ${ACTOR}: started`,
    });
    expect(deployEnd).toMatchObject({ event: 'deploy', version: '001-b1', buildId: 'b1', outcome: 'ok' });
    expect(deployEnd.text).toMatch(
      new RegExp(`^tomcat-pd deploy /note##001-b1 on web1 by ${ACTOR}: ok in \\d+\\.\\d s$`),
    );
    expect(await auditRecords()).toEqual([deployStart, deployEnd]);
    expect(contentTypes).toEqual(new Set(['application/json']));

    expectExit(await pd(['deploy', await war('n2'), '--path', '/note']), 0);
    expect(received.splice(0).map((document) => [document.phase, document.version])).toEqual([
      ['start', null],
      ['end', '002'],
    ]);

    expectExit(await pd(['rollback', '--path', '/note']), 0);
    const [rollbackStart, rollbackEnd] = startAndEnd(received.splice(0));
    expect(rollbackStart).toMatchObject({
      event: 'rollback',
      app: '/note',
      version: null,
      targets: ['web1'],
    });
    expect(rollbackEnd).toMatchObject({ event: 'rollback', version: '001-b1', outcome: 'ok' });

    expectExit(await pd(['deploy', await war('n3'), '--path', '/note', '--version', '003']), 0);
    expect(received.splice(0).map((document) => [document.phase, document.version])).toEqual([
      ['start', '003'],
      ['end', '003'],
    ]);
    expectExit(await pd(['undeploy', '--path', '/note', '--version', '001-b1']), 0);
    const [undeployStart, undeployEnd] = startAndEnd(received.splice(0));
    expect(undeployStart).toMatchObject({ event: 'undeploy', app: '/note', version: '001-b1' });
    expect(undeployEnd).toMatchObject({ event: 'undeploy', version: '001-b1', outcome: 'ok' });

    // The live version without --force: a safety rule refuses it, and the end says so.
    expectExit(await pd(['undeploy', '--path', '/note', '--version', '003']), 3);
    const [, refused] = startAndEnd(received.splice(0));
    expect(refused).toMatchObject({ outcome: 'refused', code: 'E_UNSAFE' });

    const audit = await auditRecords();
    expect(audit).toHaveLength(12);
    expect(audit.slice(-4)).toEqual([
      undeployStart,
      undeployEnd,
      expect.objectContaining({ phase: 'start' }),
      refused,
    ]);
    // No secret anywhere: the Manager's password, the webhook's token.
    const everything = await readFile(join(dir, 'audit.jsonl'), 'utf8');
    expect(everything).not.toContain(fixture.tomcat.password);
    expect(everything).not.toContain('tok3n');
  });

  it('a deploy whose context fails to start ends "failed" with the code the command exits with', async () => {
    await writeConfig([hookUrl]);
    const result = await pd([
      'deploy',
      await buildFailingWar(fixture.warDir, 'broken'),
      '--path',
      '/nfail',
      '--json',
    ]);
    const { error } = jsonOf<{ error: { code: string } }>(result, 1);
    const [, end] = startAndEnd(received.splice(0));
    expect(end).toMatchObject({ event: 'deploy', app: '/nfail', outcome: 'failed', code: error.code });
    expect(end.text).toContain(`failed (${error.code})`);
    expect((await auditRecords()).at(-1)).toEqual(end);
  });

  it('a webhook that is down: the deploy goes on with its exit code, a warning names its origin only', async () => {
    await writeConfig(['http://127.0.0.1:1/services/T01/B02/tok3n', hookUrl]);
    const war = await buildTestWar(fixture.warDir, { label: 'down', fileName: 'down.war' });
    const result = expectExit(await pd(['deploy', war, '--path', '/ndown']), 0);
    expect(result.stdout).toMatch(/Version 001 of \/ndown is live/);
    expect(result.stderr).toMatch(
      /The webhook at http:\/\/127\.0\.0\.1:1 did not take the start of the deploy: ECONNREFUSED/,
    );
    expect(result.stderr).toMatch(
      /The webhook at http:\/\/127\.0\.0\.1:1 did not take the end of the deploy: ECONNREFUSED/,
    );
    expect(result.stderr).not.toContain('tok3n');
    // The other webhook and the audit file got both documents all the same.
    startAndEnd(received.splice(0));
    startAndEnd(await auditRecords());
  });

  it('a drain that is not --dry-run is a change, even with nothing to undeploy', async () => {
    await writeConfig([hookUrl]);
    expectExit(await pd(['drain', '--path', '/nothing-here']), 0);
    const [start, end] = startAndEnd(received.splice(0));
    expect(start).toMatchObject({ event: 'drain', app: '/nothing-here', version: null, targets: ['web1'] });
    expect(end).toMatchObject({ event: 'drain', outcome: 'ok' });
    expect(await auditRecords()).toEqual([start, end]);
  });

  it('reading commands send nothing and write nothing', async () => {
    await writeConfig([hookUrl]);
    expectExit(await pd(['status']), 0);
    expectExit(await pd(['history', '--path', '/note']), 0);
    expectExit(await pd(['drain', '--dry-run']), 0);
    // Any document would have reached the local receiver before the command ended.
    expect(received).toEqual([]);
    expect(await auditRecords()).toEqual([]);
  });

  it('Ctrl-C (SIGINT) during the upload: the end says "aborted" with E_ABORTED', async () => {
    await writeConfig([hookUrl]);
    const { child, done } = await deployUploading('/nint');
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(1);
    const [start, end] = startAndEnd(received.splice(0));
    expect(start).toMatchObject({ event: 'deploy', app: '/nint' });
    expect(end).toMatchObject({ outcome: 'aborted', code: 'E_ABORTED' });
    expect(await auditRecords()).toEqual([start, end]);
  });

  it('--audit-log: a deploy killed (SIGKILL) mid-upload leaves its start record whole', async () => {
    await writeConfig([]);
    const { child, done } = await deployUploading('/nkill', '--audit-log', 'killed.jsonl');
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const text = await readFile(join(dir, 'killed.jsonl'), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      event: 'deploy',
      phase: 'start',
      app: '/nkill',
      targets: ['web1'],
    });
    // The config's audit file was not written: the flag beats it.
    expect(await auditRecords()).toEqual([]);
  });
});

describe('notify and auditLog for the lb commands, a real haproxy in front of two Tomcats', () => {
  let fleet: RoutedTomcats | undefined;
  let haproxy: HaproxyInstance | undefined;

  beforeAll(async () => {
    fleet = await startRoutedTomcats({ path: '/nlb' });
    haproxy = await startHaproxyInFront(fleet);
    await writeFleetConfig(fleet, [
      { name: 'lb1', type: 'haproxy', socket: haproxy.adminSocket, backend: 'tomcats' },
    ]);
    // The fleet's config file, with the webhook and the audit file added.
    const file = join(fleet.dir, 'tomcat-pd.json');
    const config = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...config, notify: [hookUrl], auditLog: 'lb-audit.jsonl' }));
  });

  afterAll(async () => {
    await haproxy?.stop();
    await fleet?.stop();
  });

  const lb = (args: string[]) =>
    runCli(['lb', ...args], { cwd: fleet!.dir, env: { ...fleetEnv(fleet!), TOMCAT_PD_ACTOR: ACTOR } });

  it('lb maint and lb ready name their one target; a refused one ends "refused"; lb status sends nothing', async () => {
    expectExit(await lb(['maint', 'web1']), 0);
    const [maintStart, maintEnd] = startAndEnd(received.splice(0));
    expect(maintStart).toMatchObject({ event: 'lb-maint', app: null, version: null, targets: ['web1'] });
    expect(maintEnd).toMatchObject({ event: 'lb-maint', targets: ['web1'], outcome: 'ok' });
    expect(maintEnd.text).toMatch(new RegExp(`^tomcat-pd lb-maint on web1 by ${ACTOR}: ok in`));

    // The last member taking visitors: a safety rule refuses.
    expectExit(await lb(['maint', 'web2']), 3);
    expect(startAndEnd(received.splice(0))[1]).toMatchObject({ outcome: 'refused', code: 'E_UNSAFE' });

    expectExit(await lb(['ready', 'web1']), 0);
    expect(startAndEnd(received.splice(0))[1]).toMatchObject({
      event: 'lb-ready',
      targets: ['web1'],
      outcome: 'ok',
    });

    expectExit(await lb(['status']), 0);
    expect(received).toEqual([]);
    const audit = (await readFile(join(fleet!.dir, 'lb-audit.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(audit.map((line) => (JSON.parse(line) as ChangeEvent).event)).toEqual([
      'lb-maint',
      'lb-maint',
      'lb-maint',
      'lb-maint',
      'lb-ready',
      'lb-ready',
    ]);
  });
});
