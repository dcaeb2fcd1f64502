/**
 * The release lock through the CLI against a real Tomcat (README: Lock, docs/lock.md): a second
 * controller exits 5 naming the holder, waits with --lock-wait, a holder killed with SIGKILL
 * leaves a lock that expires (or is released with --force), a holder whose lock is released by
 * force stops, a target that cannot be reached leaves nothing locked, the lock's contexts are
 * never shown as apps, and a controller whose clock is off judges expiry by the target's.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { deploy } from '@tomcat-pd/core';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import {
  cliAgainst,
  collect,
  connection,
  expectExit,
  jsonOf,
  spawnCli,
  type CliOptions,
} from './cli-helpers.js';
import { openSession } from './session-counts.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);
const CLOCK_OFFSET = fileURLToPath(new URL('./clock-offset.mjs', import.meta.url));

/** The lock's contexts on the Tomcat, as its Manager lists them. */
async function lockContexts(): Promise<string[]> {
  const { entries } = await fixture.client.listAll();
  return entries.filter((entry) => entry.path.startsWith('/tomcat-pd-lock')).map((entry) => entry.path);
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let counter = 0;

/**
 * A holder: two versions of `path`, a session on the older one, and `drain --path P --wait` run by
 * alice@ci1, which holds the app's lock until the session ends. Resolves once its record is listed.
 */
async function startHolder(path: string, extra: string[] = [], options: CliOptions = {}) {
  for (const label of ['old', 'new']) {
    counter += 1;
    const war = await buildTestWar(fixture.warDir, {
      label,
      fileName: `${path.slice(1)}-${label}-${counter}.war`,
    });
    await deploy(fixture.client, { path, warFile: war });
    if (label === 'old') await openSession(fixture.tomcat.baseUrl, path);
  }
  const args = [
    'drain',
    '--path',
    path,
    '--wait',
    '--wait-timeout',
    '5m',
    ...extra,
    ...connection(fixture.tomcat),
  ];
  const child = spawnCli(args, {
    ...options,
    env: { TOMCAT_PD_PASSWORD: fixture.tomcat.password, TOMCAT_PD_ACTOR: 'alice@ci1', ...options.env },
  });
  const done = collect(child, 120_000, args);
  await until(
    async () => (await lockContexts()).some((p) => p.includes('~drain~alice@ci1')),
    "the holder's record",
  );
  return { child, done };
}

/** Ends the holder's wait: the old version's sessions expired, so the drain undeploys it and ends. */
async function endSessions(path: string): Promise<void> {
  const versions = (await fixture.client.list()).filter((entry) => entry.path === path);
  for (const { version } of versions) await fixture.client.expire({ path, version, idleMinutes: 0 });
}

const holders: { child: { kill(signal: NodeJS.Signals): boolean } }[] = [];
// Each test starts with no holder and no record left by another.
afterEach(async () => {
  for (const holder of holders.splice(0)) holder.child.kill('SIGKILL');
  for (const path of await lockContexts()) await fixture.client.undeploy({ path, version: '' });
});

describe('the release lock through the CLI', () => {
  it('a second controller exits 5 naming the holder, its command and since; status shows "locked by", never the lock as an app', async () => {
    const holder = await startHolder('/shop');
    holders.push(holder);
    const refused = expectExit(await cli(['undeploy', '--path', '/shop', '--version', '001']), 5);
    expect(refused.stderr).toMatch(
      /the lock of \/shop on .* is held by alice@ci1 \(drain, since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, until .* UTC\)/i,
    );
    const status = jsonOf<{ apps: { path: string }[]; locks: { actor: string; command: string }[] }>(
      await cli(['status', '--json']),
    );
    expect(status.apps.map((app) => app.path)).not.toContainEqual(expect.stringMatching(/^\/tomcat-pd-lock/));
    expect(status.locks).toEqual([
      expect.objectContaining({ actor: 'alice@ci1', command: 'drain', paused: false }),
    ]);
    const text = expectExit(await cli(['status']), 0).stdout;
    expect(text).toMatch(/\/shop locked by alice@ci1 \(drain, since .* UTC, until .* UTC\)/);
    expect(text).not.toContain('tomcat-pd-lock');
    const history = expectExit(await cli(['history', '--path', '/shop']), 0).stdout;
    expect(history).toContain('locked by alice@ci1 (drain');
    const lockStatus = jsonOf<{ targets: { holders: { actor: string }[]; clock: string }[] }>(
      await cli(['lock', 'status', '--json']),
    );
    expect(lockStatus.targets[0]).toMatchObject({ clock: 'target', holders: [{ actor: 'alice@ci1' }] });
    // Visitors get nothing from a record.
    const record = (await lockContexts())[0]!;
    expect((await fetch(`${fixture.tomcat.baseUrl}${record}/`)).status).toBe(404);
    await endSessions('/shop');
    expectExit(await holder.done, 0);
    expect(await lockContexts()).toEqual([]);
  }, 120_000);

  it('--lock-wait waits, holding nothing, until the holder is done, then proceeds', async () => {
    const holder = await startHolder('/wait');
    holders.push(holder);
    const waiting = collect(
      spawnCli(
        [
          'undeploy',
          '--path',
          '/wait',
          '--version',
          '001',
          '--lock-wait',
          '60s',
          ...connection(fixture.tomcat),
        ],
        {
          env: { TOMCAT_PD_PASSWORD: fixture.tomcat.password, TOMCAT_PD_ACTOR: 'bob@ci2' },
        },
      ),
      90_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // While it waits, only the holder's record is there.
    expect((await lockContexts()).filter((path) => path.includes('bob@ci2'))).toEqual([]);
    await endSessions('/wait');
    expectExit(await holder.done, 0);
    const result = await waiting;
    // The drain undeployed 001 meanwhile: the undeploy ran (inside the lock) and found nothing.
    expect(result.code, result.stderr).not.toBe(5);
    expect(result.stderr).toContain('Waiting for the lock: the lock of /wait');
    expect(await lockContexts()).toEqual([]);
  }, 120_000);

  it('a holder killed with SIGKILL: its lock blocks until it expires, or until lock release --force', async () => {
    const holder = await startHolder('/crash', ['--lock-ttl', '4s']);
    holder.child.kill('SIGKILL');
    await holder.done;
    expect(await lockContexts()).toHaveLength(1);
    expectExit(await cli(['undeploy', '--path', '/crash', '--version', '001']), 5);
    // Without --force a live lock stays, and the holder is named.
    const kept = expectExit(await cli(['lock', 'release', '--path', '/crash']), 5);
    expect(kept.stderr).toContain('alice@ci1');
    // Expired on the target's clock, it is broken by the next taker.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expectExit(await cli(['undeploy', '--path', '/crash', '--version', '001']), 0);
    expect(await lockContexts()).toEqual([]);

    const second = await startHolder('/crash2');
    second.child.kill('SIGKILL');
    await second.done;
    const released = expectExit(await cli(['lock', 'release', '--path', '/crash2', '--force']), 0);
    expect(released.stdout).toContain('removed the lock locked by alice@ci1 (drain');
    expect(await lockContexts()).toEqual([]);
  }, 120_000);

  it('a holder whose lock is released with --force stops with exit 5 (lost), before its next change', async () => {
    const holder = await startHolder('/lost', ['--lock-ttl', '3s']);
    holders.push(holder);
    expectExit(await cli(['lock', 'release', '--path', '/lost', '--force']), 0);
    const result = expectExit(await holder.done, 5);
    expect(result.stderr).toMatch(/release lock on .* was lost/);
    // It did not drain: the old version, whose session it was waiting for, is still there.
    expect((await fixture.client.list()).filter((entry) => entry.path === '/lost')).toHaveLength(2);
  }, 120_000);

  it('a target that cannot be reached while locking: the others are released, it is named, exit 4', async () => {
    const config = join(fixture.warDir, 'with-down.json');
    const { managerUrl, user } = fixture.tomcat;
    await writeFile(
      config,
      JSON.stringify({
        targets: [
          { name: 'up', url: managerUrl, user, passwordEnv: 'PW_UP' },
          // Sorts after the live one: the lock is taken there first, then must be released.
          { name: 'down', url: 'http://127.0.0.2:1/manager', user, passwordEnv: 'PW_UP' },
        ],
      }),
    );
    const result = await collect(
      spawnCli(['undeploy', '--config', config, '--path', '/shop', '--version', '001'], {
        env: { PW_UP: fixture.tomcat.password },
      }),
      60_000,
    );
    expectExit(result, 4);
    expect(result.stderr).toMatch(
      /The release lock could not be taken on down: .*nothing is locked anywhere/s,
    );
    expect(await lockContexts()).toEqual([]);
  }, 120_000);

  it('a controller whose own clock is an hour off still judges expiry on the target clock', async () => {
    const ahead = { env: { NODE_OPTIONS: `--import=${CLOCK_OFFSET}`, CLOCK_OFFSET_MS: String(3_600_000) } };
    const behind = { env: { NODE_OPTIONS: `--import=${CLOCK_OFFSET}`, CLOCK_OFFSET_MS: String(-3_600_000) } };
    // A live lock (15 min on the target's clock) is not expired for a controller an hour ahead.
    const holder = await startHolder('/skew');
    holders.push(holder);
    expectExit(await cli(['undeploy', '--path', '/skew', '--version', '001'], ahead), 5);
    holder.child.kill('SIGKILL');
    await holder.done;
    await cli(['lock', 'release', '--path', '/skew', '--force']);
    // A lock expired on the target's clock is broken by a controller an hour behind.
    const crashed = await startHolder('/skew2', ['--lock-ttl', '3s']);
    crashed.child.kill('SIGKILL');
    await crashed.done;
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const broken = expectExit(
      await cli(['undeploy', '--path', '/skew2', '--version', '001', '--verbose'], behind),
      0,
    );
    expect(broken.stderr).toContain('removing the expired lock record of alice@ci1');
    expect(await lockContexts()).toEqual([]);
  }, 120_000);

  it('refuses an app under /tomcat-pd-lock (exit 2), and a read takes no lock', async () => {
    const refused = expectExit(
      await cli(['undeploy', '--path', '/tomcat-pd-lock/app/x', '--version', '001']),
      2,
    );
    expect(refused.stderr).toContain('release lock');
    const holder = await startHolder('/reads');
    holders.push(holder);
    // Reads go through while the lock is held: they never take it.
    expectExit(await cli(['status', '--path', '/reads']), 0);
    expectExit(await cli(['history', '--path', '/reads']), 0);
    expectExit(await cli(['drain', '--path', '/reads', '--dry-run']), 0);
    expect((await lockContexts()).filter((path) => !path.includes('alice@ci1'))).toEqual([]);
  }, 120_000);
});
