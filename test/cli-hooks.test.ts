/**
 * Hooks (README: Hooks) as a user runs them: the built CLI, two real Tomcats (and a real haproxy
 * in front of them for `restart`). Each hook here runs `record.mjs`, which appends what the hook
 * saw to `hooks.jsonl`: its TOMCAT_PD_* variables, its folder, how many lines the audit file had
 * (the change's records around it) and what the app's URL answered on each Tomcat at that moment.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import { buildFailingWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import {
  collect,
  expectExit,
  jsonOf,
  runCli,
  spawnCli,
  waitForOutput,
  type CliResult,
} from './cli-helpers.js';
import { startRestarter, type Restarter } from './restarter.js';
import {
  fleetEnv,
  startHaproxyInFront,
  startRoutedTomcats,
  writeFleetConfig,
  type RoutedTomcats,
} from './routed-tomcats.js';

let fleet: RoutedTomcats;
let haproxy: HaproxyInstance | undefined;
let restarter: Restarter | undefined;
const ACTOR = 'ci job 23';

/** What one run of a hook saw. */
interface Seen {
  env: Record<string, string>;
  cwd: string;
  auditLines: number;
  /** The status of `$PROBE_PATH` on web1 and web2 while the hook ran. */
  probes: number[];
}

const RECORD_SCRIPT = `
import { appendFileSync, readFileSync } from 'node:fs';
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('TOMCAT_PD_')));
let auditLines = 0;
try { auditLines = readFileSync('audit.jsonl', 'utf8').split('\\n').filter(Boolean).length; } catch {}
const probes = [];
for (const base of (process.env.TOMCATS ?? '').split(',').filter(Boolean)) {
  probes.push((await fetch(base + (process.env.PROBE_PATH ?? '/'))).status);
}
appendFileSync('hooks.jsonl', JSON.stringify({ env, cwd: process.cwd(), auditLines, probes }) + '\\n');
console.log('recorded ' + env.TOMCAT_PD_HOOK);
`;
const RECORD = `"${process.execPath}" record.mjs`;

beforeAll(async () => {
  fleet = await startRoutedTomcats({ path: '/hk' });
  [haproxy, restarter] = await Promise.all([startHaproxyInFront(fleet), startRestarter(fleet.tomcats)]);
  await writeFile(join(fleet.dir, 'record.mjs'), RECORD_SCRIPT);
});

afterAll(async () => {
  await restarter?.close();
  await haproxy?.stop();
  await fleet?.stop();
});

beforeEach(async () => {
  await Promise.all(
    ['hooks.jsonl', 'audit.jsonl', 'child.pid'].map((file) => rm(join(fleet.dir, file), { force: true })),
  );
});

/** The fleet's tomcat-pd.json (web1, web2, haproxy lb1), with these hooks and an audit file. */
function writeConfig(hooks: Record<string, string>): Promise<void> {
  return writeFleetConfig(
    fleet,
    [{ name: 'lb1', type: 'haproxy', socket: haproxy!.adminSocket, backend: 'tomcats' }],
    { auditLog: 'audit.jsonl', hooks },
  );
}

/**
 * `tomcat-pd ARGS --config <fleet>/tomcat-pd.json`, run from another folder: the hooks run in
 * the config file's. `probe` is the path the hooks ask each Tomcat for.
 */
function pd(args: readonly string[], probe = '/'): Promise<CliResult> {
  return runCli([...args, '--config', join(fleet.dir, 'tomcat-pd.json')], {
    env: environment(probe),
    timeoutMs: 60_000,
  });
}

function environment(probe: string): Record<string, string> {
  return {
    ...fleetEnv(fleet),
    TOMCAT_PD_ACTOR: ACTOR,
    TOMCATS: fleet.tomcats.map((tomcat) => tomcat.baseUrl).join(','),
    PROBE_PATH: probe,
  };
}

async function seen(): Promise<Seen[]> {
  const text = await readFile(join(fleet.dir, 'hooks.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Seen);
}

const hookNames = (runs: readonly Seen[]) => runs.map((run) => run.env.TOMCAT_PD_HOOK);

/** The one hook run there was, checked to be `hook`'s. */
async function onlyRun(hook: string): Promise<Seen> {
  const runs = await seen();
  expect(hookNames(runs)).toEqual([hook]);
  return runs[0]!;
}

/** The versions of `path` on each Tomcat, by their Managers' lists. */
async function versionsOn(path: string): Promise<string[][]> {
  return Promise.all(
    fleet.tomcats.map(async (tomcat) =>
      (await fleet.client(tomcat).list())
        .filter((entry) => entry.path === path)
        .map((entry) => entry.version ?? ''),
    ),
  );
}

/**
 * Whether the process of this id is gone (or a zombie) within 3 s: a process group's members
 * die a moment after the signal, and the CLI may exit first.
 */
async function gone(pid: number): Promise<boolean> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined || stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z')
      return true;
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
}

/** Starts a deploy of a new WAR at `path`; resolves once its stderr has `text`. */
async function deployUntil(path: string, text: string) {
  const child = spawnCli(
    ['deploy', await war(path.slice(1)), '--path', path, '--config', join(fleet.dir, 'tomcat-pd.json')],
    { env: environment('/') },
  );
  const done = collect(child, 30_000);
  await waitForOutput(child, new RegExp(escape(text)), 20_000, 'stderr');
  return { child, done };
}

const escape = (text: string) => text.replace(/[[\]]/g, '\\$&');

const war = (label: string) => buildTestWar(fleet.dir, { label, fileName: `${label}.war` });

describe('hooks against two real Tomcats', () => {
  it('a deploy to two targets: before-deploy and after-deploy once each, inside the change records, with the environment; --json stdout stays one document', async () => {
    await writeConfig({ 'before-deploy': RECORD, 'after-deploy': RECORD, 'on-failure': RECORD });
    const result = await pd(
      ['deploy', await war('hk1'), '--path', '/hkd', '--build-id', 'b7', '--json'],
      '/hkd/index.jsp',
    );
    const document = jsonOf<{ version: string }>(result);
    expect(document.version).toBe('001-b7');
    const [before, after, ...more] = await seen();
    expect(more).toEqual([]);
    expect(before).toEqual({
      env: {
        TOMCAT_PD_HOOK: 'before-deploy',
        TOMCAT_PD_EVENT: 'deploy',
        TOMCAT_PD_APP: '/hkd',
        TOMCAT_PD_VERSION: '',
        TOMCAT_PD_BUILD_ID: 'b7',
        TOMCAT_PD_TARGETS: 'web1,web2',
        TOMCAT_PD_ACTOR: ACTOR,
        TOMCAT_PD_OUTCOME: '',
        TOMCAT_PD_ERROR_CODE: '',
      },
      // The config file's folder, not the folder the command ran in.
      cwd: fleet.dir,
      // The start record is written, the end not yet.
      auditLines: 1,
      // Nothing deployed yet on either Tomcat.
      probes: [404, 404],
    });
    expect(after).toEqual({
      env: {
        ...before!.env,
        TOMCAT_PD_HOOK: 'after-deploy',
        TOMCAT_PD_VERSION: '001-b7',
        TOMCAT_PD_OUTCOME: 'ok',
      },
      cwd: fleet.dir,
      auditLines: 1,
      probes: [200, 200],
    });
    // The end record after the after-deploy hook.
    expect((await readFile(join(fleet.dir, 'audit.jsonl'), 'utf8')).trimEnd().split('\n')).toHaveLength(2);
    expect(result.stderr).toContain('[before-deploy] recorded before-deploy\n');
    expect(result.stderr).toContain('[after-deploy] recorded after-deploy\n');
    // No password in what the hooks were given of ours.
    expect(JSON.stringify([before, after])).not.toContain(fleet.tomcats[0]!.password);
  });

  it('a failing before-deploy stops the release before anything changed: exit 1 (E_HOOK) with its output; on-failure once', async () => {
    await writeConfig({
      'before-deploy': 'echo "Flyway: migration V7__orders.sql failed" >&2; exit 3',
      'after-deploy': RECORD,
      'on-failure': RECORD,
    });
    const result = await pd(['deploy', await war('hk2'), '--path', '/hkf', '--json']);
    const { error } = jsonOf<{ error: { code: string; hint: string } }>(result, 1);
    expect(error).toMatchObject({
      name: 'HookError',
      code: 'E_HOOK',
      message: 'The before-deploy hook failed: it exited with status 3.',
      hook: 'before-deploy',
      failure: { kind: 'exit', exitCode: 3 },
      output: ['Flyway: migration V7__orders.sql failed'],
    });
    expect(error.hint).toContain('Nothing was changed: the deploy did not start.');
    expect(error.hint).toContain('[before-deploy] Flyway: migration V7__orders.sql failed');
    expect(result.stderr).toContain('[before-deploy] Flyway: migration V7__orders.sql failed\n');
    expect(await versionsOn('/hkf')).toEqual([[], []]);
    expect((await onlyRun('on-failure')).env).toMatchObject({
      TOMCAT_PD_OUTCOME: 'failed',
      TOMCAT_PD_ERROR_CODE: 'E_HOOK',
    });
  });

  it('a deploy that fails on the Tomcats: on-failure once, with the code the command exits with; no after-deploy', async () => {
    await writeConfig({ 'before-deploy': RECORD, 'after-deploy': RECORD, 'on-failure': RECORD });
    const broken = await buildFailingWar(fleet.dir, 'hkbroken');
    const result = await pd(['deploy', broken, '--path', '/hkb', '--json']);
    const { error } = jsonOf<{ error: { code: string } }>(result, 1);
    const runs = await seen();
    expect(hookNames(runs)).toEqual(['before-deploy', 'on-failure']);
    expect(runs[1]!.env).toMatchObject({
      TOMCAT_PD_EVENT: 'deploy',
      TOMCAT_PD_APP: '/hkb',
      TOMCAT_PD_TARGETS: 'web1,web2',
      TOMCAT_PD_OUTCOME: 'failed',
      TOMCAT_PD_ERROR_CODE: error.code,
    });
    expect(error.code).not.toBe('');
  });

  it('a failing after-deploy: a warning, the version stays live and the exit code is 0', async () => {
    await writeConfig({ 'after-deploy': 'echo "cache purge: 503"; exit 5', 'on-failure': RECORD });
    const result = expectExit(await pd(['deploy', await war('hk3'), '--path', '/hka']), 0);
    expect(result.stderr).toContain('[after-deploy] cache purge: 503\n');
    expect(result.stderr).toContain(
      'warning: The after-deploy hook failed: it exited with status 5. The deploy itself is done: the exit code says so.',
    );
    expect(await versionsOn('/hka')).toEqual([['001'], ['001']]);
    expect(await seen()).toEqual([]);
  });

  it('a before-deploy that hangs is killed at its timeout with the process it started; nothing deployed', async () => {
    await writeConfig({
      'before-deploy': 'sleep 120 & echo $! > child.pid; echo migrating; sleep 120',
      timeout: '2s',
    });
    const started = Date.now();
    const result = await pd(['deploy', await war('hk4'), '--path', '/hkt']);
    expectExit(result, 1);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.stderr).toContain('[before-deploy] migrating\n');
    expect(result.stderr).toContain(
      'error: The before-deploy hook ran past its timeout of 2s: it was stopped, with every process it started.',
    );
    const child = Number(await readFile(join(fleet.dir, 'child.pid'), 'utf8'));
    expect(child).toBeGreaterThan(0);
    expect(await gone(child)).toBe(true);
    expect(await versionsOn('/hkt')).toEqual([[], []]);
  });

  it('Ctrl-C during a hook: the hook and its child are killed and the release stops (E_ABORTED)', async () => {
    await writeConfig({
      'before-deploy': 'sleep 120 & echo $! > child.pid; echo migrating; sleep 120',
      'on-failure': RECORD,
    });
    const { child, done } = await deployUntil('/hkc', '[before-deploy] migrating');
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'error: The before-deploy hook was stopped, with every process it started.',
    );
    expect(await gone(Number(await readFile(join(fleet.dir, 'child.pid'), 'utf8')))).toBe(true);
    expect(await versionsOn('/hkc')).toEqual([[], []]);
    // on-failure still runs once for the aborted release.
    expect((await seen()).map((run) => [run.env.TOMCAT_PD_HOOK, run.env.TOMCAT_PD_ERROR_CODE])).toEqual([
      ['on-failure', 'E_ABORTED'],
    ]);
  });

  it('a second Ctrl-C while on-failure runs exits at once (130), and stops on-failure with its child too', async () => {
    await writeConfig({
      'before-deploy': 'echo migrating; sleep 120',
      'on-failure': 'sleep 120 & echo $! > child.pid; echo paging; sleep 120',
    });
    const { child, done } = await deployUntil('/hk2c', '[before-deploy] migrating');
    const paging = waitForOutput(child, /\[on-failure\] paging/, 20_000, 'stderr');
    child.kill('SIGINT');
    await paging;
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    expect(await gone(Number(await readFile(join(fleet.dir, 'child.pid'), 'utf8')))).toBe(true);
    // Exiting at once leaves the app's lock as a crash does (docs/lock.md): freed by hand.
    await writeConfig({});
    expectExit(await pd(['lock', 'release', '--path', '/hk2c', '--force']), 0);
  });

  it('a rollback runs after-rollback once, with the version live again', async () => {
    await writeConfig({});
    expectExit(await pd(['deploy', await war('hr1'), '--path', '/hkr']), 0);
    expectExit(await pd(['deploy', await war('hr2'), '--path', '/hkr']), 0);
    await writeConfig({ 'before-deploy': RECORD, 'after-rollback': RECORD, 'on-failure': RECORD });
    expectExit(await pd(['rollback', '--path', '/hkr']), 0);
    expect((await onlyRun('after-rollback')).env).toMatchObject({
      TOMCAT_PD_EVENT: 'rollback',
      TOMCAT_PD_APP: '/hkr',
      TOMCAT_PD_VERSION: '001',
      TOMCAT_PD_TARGETS: 'web1,web2',
      TOMCAT_PD_OUTCOME: 'ok',
    });
  });

  it('a restart of both Tomcats runs after-restart once, after the last one is back', async () => {
    await writeConfig({ 'after-restart': RECORD, 'on-failure': RECORD });
    const pids = fleet.tomcats.map((tomcat) => tomcat.pid);
    const exec = `curl -sf ${restarter!.url}/restart/$TOMCAT_PD_TARGET`;
    expectExit(
      await pd(
        ['restart', '--exec', exec, '--max-drain', '1s', '--on-max-drain', 'proceed'],
        '/hk/health.txt',
      ),
      0,
    );
    fleet.tomcats.forEach((tomcat, index) => expect(tomcat.pid).not.toBe(pids[index]));
    const run = await onlyRun('after-restart');
    expect(run.env).toMatchObject({
      TOMCAT_PD_EVENT: 'restart',
      TOMCAT_PD_APP: '',
      TOMCAT_PD_TARGETS: 'web1,web2',
      TOMCAT_PD_OUTCOME: 'ok',
    });
    expect(run.probes).toEqual([200, 200]);
  });
});
