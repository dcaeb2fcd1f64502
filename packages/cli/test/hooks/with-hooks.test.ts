import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, TomcatPdError } from '@tomcat-pd/core';
import { currentActor, startEvent, type ChangeStart } from '../../src/events/change-event.js';
import type { HooksConfig } from '../../src/hooks/hook-config.js';
import { withHooks } from '../../src/hooks/with-hooks.js';
import { fakeContext } from '../helpers/fake-context.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-with-hooks-'));
  vi.stubEnv('TOMCAT_PD_ACTOR', 'ci job 9');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

/** Each hook appends its name and the variables it was given to `log` in the hooks' folder. */
const LOG =
  'echo "$TOMCAT_PD_HOOK $TOMCAT_PD_EVENT $TOMCAT_PD_VERSION $TOMCAT_PD_OUTCOME $TOMCAT_PD_ERROR_CODE" >> log';

function config(commands: HooksConfig['commands']): HooksConfig {
  return { commands, timeoutMs: 10_000, cwd: dir };
}

async function logged(): Promise<string[]> {
  const text = await readFile(join(dir, 'log'), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '');
}

const DEPLOY: ChangeStart = { event: 'deploy', app: '/shop', version: '004' };

function hooked(
  commands: HooksConfig['commands'],
  start: ChangeStart,
  run: () => Promise<unknown>,
  quiet = false,
) {
  const { context, stderr } = fakeContext({ quiet });
  const runs: string[] = [];
  const hooks = withHooks(config(commands), context.output, context.signal, async () => {
    runs.push(...(await logged()).map((line) => `before run: ${line}`));
    return (await run()) as undefined;
  });
  const wrapped = () => hooks(startEvent(start, ['web1', 'web2'], currentActor(), new Date()));
  return { wrapped, stderr, runs };
}

describe('withHooks', () => {
  it('a deploy: before-deploy, the run, after-deploy with the version it chose; on-failure not', async () => {
    const { wrapped, runs } = hooked(
      { 'before-deploy': LOG, 'after-deploy': LOG, 'on-failure': LOG, 'after-rollback': LOG },
      { event: 'deploy', app: '/shop', buildId: 'b1' },
      () => Promise.resolve({ version: '001-b1' }),
    );
    expect(await wrapped()).toEqual({ version: '001-b1' });
    expect(runs).toEqual(['before run: before-deploy deploy   ']);
    expect(await logged()).toEqual(['before-deploy deploy   ', 'after-deploy deploy 001-b1 ok ']);
  });

  it('a failing before-deploy stops the change before its run: E_HOOK saying nothing changed; on-failure runs once with the code', async () => {
    const run = vi.fn(() => Promise.resolve({}));
    const { wrapped, stderr } = hooked(
      { 'before-deploy': 'echo "migration V7 failed"; exit 4', 'on-failure': LOG },
      DEPLOY,
      run,
    );
    const error = (await wrapped().catch((caught: unknown) => caught)) as TomcatPdError;
    expect(run).not.toHaveBeenCalled();
    expect(error.code).toBe(ErrorCode.hook);
    expect(error.message).toBe('The before-deploy hook failed: it exited with status 4.');
    expect(error.hint).toMatch(
      /^Nothing was changed: the deploy did not start\. The end of its output:\n {2}\[before-deploy\] migration V7 failed$/,
    );
    expect(stderr.text).toContain('[before-deploy] migration V7 failed\n');
    expect(await logged()).toEqual(['on-failure deploy 004 failed E_HOOK']);
  });

  it("the run fails: on-failure with the error's code, and the error goes on unchanged", async () => {
    const failure = new TomcatPdError(ErrorCode.probe, 'unhealthy');
    const { wrapped } = hooked({ 'after-deploy': LOG, 'on-failure': LOG }, DEPLOY, () =>
      Promise.reject(failure),
    );
    await expect(wrapped()).rejects.toBe(failure);
    expect(await logged()).toEqual(['on-failure deploy 004 failed E_PROBE']);
  });

  it('a failing after-deploy is a warning: the change is done, its result returned', async () => {
    const { wrapped, stderr } = hooked({ 'after-deploy': 'echo purge failed >&2; exit 1' }, DEPLOY, () =>
      Promise.resolve({
        version: '004',
      }),
    );
    expect(await wrapped()).toEqual({ version: '004' });
    expect(stderr.text).toContain('[after-deploy] purge failed\n');
    expect(stderr.text).toContain(
      'warning: The after-deploy hook failed: it exited with status 1. The deploy itself is done: the exit code says so.',
    );
  });

  it("a failing on-failure hook is a warning; the change's own error goes on", async () => {
    const failure = new TomcatPdError(ErrorCode.tomcatFail, 'FAIL');
    const { wrapped, stderr } = hooked({ 'on-failure': 'exit 2' }, { event: 'undeploy', app: '/shop' }, () =>
      Promise.reject(failure),
    );
    await expect(wrapped()).rejects.toBe(failure);
    expect(stderr.text).toContain(
      "warning: The on-failure hook failed: it exited with status 2. The undeploy's own error follows.",
    );
  });

  it('rollback and restart have their after hook only; other changes on-failure only', async () => {
    const all = { 'before-deploy': LOG, 'after-deploy': LOG, 'after-rollback': LOG, 'after-restart': LOG };
    await hooked(all, { event: 'rollback', app: '/shop' }, () =>
      Promise.resolve({ version: '003' }),
    ).wrapped();
    await hooked(all, { event: 'restart' }, () => Promise.resolve(undefined)).wrapped();
    await hooked(all, { event: 'drain', app: '/shop' }, () => Promise.resolve(undefined)).wrapped();
    expect(await logged()).toEqual(['after-rollback rollback 003 ok ', 'after-restart restart  ok ']);
  });

  it('a deploy stopped at a pause runs before-deploy only; its promote runs after-deploy, its abort after-rollback', async () => {
    const all = { 'before-deploy': LOG, 'after-deploy': LOG, 'after-rollback': LOG };
    await hooked(all, DEPLOY, () => Promise.resolve({ version: '004', paused: true })).wrapped();
    await hooked(all, { event: 'promote', app: '/shop' }, () =>
      Promise.resolve({ version: '004', paused: true }),
    ).wrapped();
    await hooked(all, { event: 'promote', app: '/shop' }, () =>
      Promise.resolve({ version: '004' }),
    ).wrapped();
    await hooked(all, { event: 'abort', app: '/shop' }, () => Promise.resolve({ version: '005' })).wrapped();
    expect(await logged()).toEqual([
      expect.stringMatching(/^before-deploy deploy /),
      'after-deploy promote 004 ok ',
      'after-rollback abort 005 ok ',
    ]);
  });

  it("the hook's output is prefixed on stderr, also with --json, never on stdout; --quiet hides it", async () => {
    const { context, stdout, stderr } = fakeContext({ json: true });
    await withHooks(
      config({ 'after-restart': 'echo one; echo two >&2' }),
      context.output,
      context.signal,
      () => Promise.resolve(undefined),
    )(startEvent({ event: 'restart' }, [], currentActor(), new Date()));
    expect(stdout.text).toBe('');
    expect(stderr.text.split('\n').sort()).toEqual(['', '[after-restart] one', '[after-restart] two']);
    const quiet = hooked({ 'after-deploy': 'echo hidden' }, DEPLOY, () => Promise.resolve({}), true);
    await quiet.wrapped();
    expect(quiet.stderr.text).toBe('');
  });
});
