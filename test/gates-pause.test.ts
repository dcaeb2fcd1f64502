import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { collect, expectExit, jsonOf, spawnCli, waitForOutput } from './cli-helpers.js';
import { useFleet, type Name } from './fleet-fixture.js';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';

// Gates between the steps of a rollout (README: "Gates: pause, promote, abort"), on three real
// Tomcats: a manual pause ends the deploy with the rollout kept on the targets under the lock,
// and another process (each CLI run here is one) promotes or aborts it.

const fx = useFleet();
const ACTOR = { TOMCAT_PD_ACTOR: 'alice@ci' };
const pd = (args: readonly string[]) => fx.fleet(args, { env: ACTOR });

const war = (label: string) => buildTestWar(fx.dir, { label });

interface StatusDocument {
  apps: { target: string; path: string; versions: { version: string }[] }[];
  pausedRollouts?: { path: string; version: string; afterStep: number; steps: number; actor: string }[];
}

/** The versions of `path` on each target, from `status --json`. */
async function versionsOf(path: string): Promise<Record<Name, string[]>> {
  const document = jsonOf<StatusDocument>(await pd(['status', '--path', path, '--json']));
  const versions = { web1: [], web2: [], web3: [] } as Record<Name, string[]>;
  for (const app of document.apps.filter((a) => a.path === path)) {
    versions[app.target as Name].push(...app.versions.map((v) => v.version));
  }
  return versions;
}

/** `001` everywhere, then a deploy of `label` that pauses after web1 (`--steps 1,pause,100%`). */
async function pausedRollout(path: string, label: string): Promise<string> {
  expectExit(await pd(['deploy', await war(`${label}-base`), '--path', path]), 0);
  const next = await war(label);
  const paused = expectExit(await pd(['deploy', next, '--path', path, '--steps', '1,pause,100%']), 0);
  expect(paused.stdout).toContain(
    `paused after step 1 of 2: promote or abort (tomcat-pd promote --path ${path} ${next} | tomcat-pd abort --path ${path})`,
  );
  expect(await versionsOf(path)).toEqual({ web1: ['001', '002'], web2: ['001'], web3: ['001'] });
  return next;
}

/** The first value `read` gives that is not `undefined`, tried every 200 ms for 10 s. */
async function eventually<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (const started = Date.now(); Date.now() - started < 10_000;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('not within 10 s');
}

/** Resolves once the child wrote text matching `pattern` on stderr (the progress). */
function stderrShows(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no ${String(pattern)} on stderr:\n${seen}`)), 60_000);
    child.stderr.on('data', (chunk: string) => {
      seen += chunk;
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('--steps with a manual pause, then promote or abort from another process', () => {
  it('pauses after step 1 with exit 0; status shows it; promote with the same WAR finishes the rollout', async () => {
    const next = await pausedRollout('/gp', 'gp');
    const status = expectExit(await pd(['status', '--path', '/gp']), 0);
    expect(status.stdout).toMatch(
      /\/gp version 002: paused after step 1 of 2 by alice@ci since \d{4}-\d\d-\d\d \d\d:\d\d UTC: promote or abort/,
    );
    const document = jsonOf<StatusDocument>(await pd(['status', '--path', '/gp', '--json']));
    expect(document.pausedRollouts).toEqual([
      expect.objectContaining({ path: '/gp', version: '002', afterStep: 1, steps: 2, actor: 'alice@ci' }),
    ]);

    // The lock is held for the paused rollout: any other change of the app waits for promote or abort.
    const blocked = expectExit(await pd(['deploy', await war('gp-other'), '--path', '/gp']), 5);
    expect(blocked.stderr).toMatch(/promote or abort/);

    const promoted = jsonOf<{ version: string; targets: { target: string; live: string }[] }>(
      await pd(['promote', '--path', '/gp', next, '--json', '--audit-log', 'gp-audit.jsonl']),
    );
    expect(promoted.version).toBe('002');
    expect(promoted.targets.map((t) => [t.target, t.live])).toEqual([
      ['web2', '002'],
      ['web3', '002'],
    ]);
    expect(await versionsOf('/gp')).toEqual({
      web1: ['001', '002'],
      web2: ['001', '002'],
      web3: ['001', '002'],
    });
    // A change as any other: its start and its end, with the version it promoted.
    const audit = (await readFile(join(fx.dir, 'gp-audit.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(audit.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ event: 'promote', phase: 'start', app: '/gp', actor: 'alice@ci' }),
      expect.objectContaining({ event: 'promote', phase: 'end', app: '/gp', version: '002', outcome: 'ok' }),
    ]);
    // Nothing is paused any more, and the lock is free: the next deploy goes ahead.
    expect(
      jsonOf<StatusDocument>(await pd(['status', '--path', '/gp', '--json'])).pausedRollouts,
    ).toBeUndefined();
    expectExit(await pd(['deploy', await war('gp-after'), '--path', '/gp']), 0);
  });

  it('promote with another WAR is refused (exit 3) with nothing changed; abort then removes the version everywhere', async () => {
    const next = await pausedRollout('/ga', 'ga');
    const other = await war('ga-other');
    const refused = expectExit(await pd(['promote', '--path', '/ga', other]), 3);
    expect(refused.stderr).toMatch(/is not the one the paused rollout of \/ga version 002 deployed/);
    expect(refused.stderr).toMatch(/its SHA-256 begins [0-9a-f]{12} .*the rollout's [0-9a-f]{12}/);
    expect(await versionsOf('/ga')).toEqual({ web1: ['001', '002'], web2: ['001'], web3: ['001'] });
    // Still paused: the refusal kept it so.
    expect(expectExit(await pd(['status', '--path', '/ga']), 0).stdout).toMatch(/paused after step 1 of 2/);
    // serve shows it as well: on its page, and in /api/status.
    const serve = spawnCli(['serve', '--listen', '127.0.0.1:0'], {
      cwd: fx.dir,
      env: { ...fx.env, ...ACTOR },
    });
    const served = collect(serve, 60_000);
    const url = /Serving (http:\S+)/.exec(await waitForOutput(serve, /Serving http:\S+\n/))?.[1] ?? '';
    // Read once at its start, like the targets, and shown once read.
    const api = await eventually(async () => {
      const document = (await (await fetch(new URL('api/status', url))).json()) as StatusDocument;
      return document.pausedRollouts === undefined ? undefined : document;
    });
    expect(api.pausedRollouts).toEqual([
      expect.objectContaining({ path: '/ga', version: '002', afterStep: 1, steps: 2, actor: 'alice@ci' }),
    ]);
    expect(await (await fetch(url)).text()).toMatch(
      /\/ga version 002: paused after step 1 of 2 by alice@ci since/,
    );
    serve.kill('SIGTERM');
    expect((await served).code).toBe(0);

    const aborted = jsonOf<{ version: string; targets: { target: string; outcome: string }[] }>(
      await pd(['abort', '--path', '/ga', '--json']),
    );
    expect(aborted).toEqual({
      path: '/ga',
      version: '002',
      targets: [
        { target: 'web1', outcome: 'undeployed' },
        { target: 'web2', outcome: 'absent' },
        { target: 'web3', outcome: 'absent' },
      ],
    });
    expect(await versionsOf('/ga')).toEqual({ web1: ['001'], web2: ['001'], web3: ['001'] });
    // The lock is free again, and nothing is left to promote.
    expectExit(await pd(['promote', '--path', '/ga', next]), 2);
    expectExit(await pd(['deploy', await war('ga-after'), '--path', '/ga']), 0);
  });

  it('a second pause: promote stops there again, and the next promote finishes', async () => {
    expectExit(await pd(['deploy', await war('g2-base'), '--path', '/g2']), 0);
    const next = await war('g2');
    const first = expectExit(
      await pd(['deploy', next, '--path', '/g2', '--steps', '1,pause,2,pause,100%']),
      0,
    );
    expect(first.stdout).toContain('paused after step 1 of 3: promote or abort');
    const second = expectExit(await pd(['promote', '--path', '/g2', next]), 0);
    expect(second.stdout).toContain('paused after step 2 of 3: promote or abort');
    expect(await versionsOf('/g2')).toEqual({ web1: ['001', '002'], web2: ['001', '002'], web3: ['001'] });
    expect(expectExit(await pd(['status', '--path', '/g2']), 0).stdout).toMatch(
      /\/g2 version 002: paused after step 2 of 3 by alice@ci/,
    );
    expectExit(await pd(['promote', '--path', '/g2', next]), 0);
    expect(await versionsOf('/g2')).toEqual({
      web1: ['001', '002'],
      web2: ['001', '002'],
      web3: ['001', '002'],
    });
    expect(expectExit(await pd(['status', '--path', '/g2']), 0).stdout).not.toContain('paused');
  });

  it('a promote that fails after the pause undoes the version everywhere, the targets before the pause included', async () => {
    expectExit(await pd(['deploy', await war('gf-base'), '--path', '/gf']), 0);
    const next = await war('gf');
    // The probe goes with the paused rollout: web3's (through another config) cannot answer it.
    expectExit(
      await pd([
        'deploy',
        next,
        '--path',
        '/gf',
        '--steps',
        '1,pause,100%',
        '--probe',
        '/',
        '--probe-timeout',
        '2s',
      ]),
      0,
    );
    await writeFile(
      join(fx.dir, 'web3-unreachable.json'),
      JSON.stringify({
        targets: [fx.target('web1'), fx.target('web2'), fx.target('web3', { appUrl: 'http://127.0.0.1:1' })],
      }),
    );
    const failed = expectExit(
      await pd(['--config', 'web3-unreachable.json', 'promote', '--path', '/gf', next]),
      1,
    );
    expect(failed.stderr).toMatch(/failed on web3 \(step 2 of 2\)/);
    expect(await versionsOf('/gf')).toEqual({ web1: ['001'], web2: ['001'], web3: ['001'] });
    // Undone, so nothing is paused any more and the lock is free.
    expectExit(await pd(['abort', '--path', '/gf']), 2);
  });

  it('promote or abort with nothing paused: exit 2, a clear message', async () => {
    expectExit(await pd(['deploy', await war('gn'), '--path', '/gn']), 0);
    const promote = expectExit(await pd(['promote', '--path', '/gn', await war('gn')]), 2);
    expect(promote.stderr).toContain('Nothing is paused for /gn: there is no rollout to promote.');
    const abort = expectExit(await pd(['abort', '--path', '/gn']), 2);
    expect(abort.stderr).toContain('Nothing is paused for /gn: there is no rollout to abort.');
    expect(await versionsOf('/gn')).toEqual({ web1: ['001'], web2: ['001'], web3: ['001'] });
  });
});

describe('--steps with a timed pause', () => {
  it('pause:2s waits between the steps, with the pause on stderr, then goes on by itself', async () => {
    const result = expectExit(
      await pd(['deploy', await war('gt'), '--path', '/gt', '--steps', '1,pause:2s,100%']),
      0,
    );
    expect(result.stderr).toContain('paused 2s after step 1 of 2; Ctrl-C aborts and undoes');
    expect(await versionsOf('/gt')).toEqual({ web1: ['001'], web2: ['001'], web3: ['001'] });
  });

  it('Ctrl-C (SIGINT) during a timed pause undoes the version on the targets that took it', async () => {
    expectExit(await pd(['deploy', await war('gc-base'), '--path', '/gc']), 0);
    const child = spawnCli(['deploy', await war('gc'), '--path', '/gc', '--steps', '1,pause:10m,100%'], {
      cwd: fx.dir,
      env: { ...fx.env, ...ACTOR },
    });
    const done = collect(child, 60_000);
    await stderrShows(child, /paused 10m after step 1 of 2; Ctrl-C aborts and undoes/);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stopped by a signal/);
    expect(await versionsOf('/gc')).toEqual({ web1: ['001'], web2: ['001'], web3: ['001'] });
  });
});
