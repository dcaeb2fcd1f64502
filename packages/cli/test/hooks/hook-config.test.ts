import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type TomcatPdError } from '@tomcat-pd/core';
import { loadConfigFile } from '../../src/config-file.js';
import { DEFAULT_HOOK_TIMEOUT_MS } from '../../src/hooks/hook-config.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-hooks-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(hooks: unknown) {
  const file = join(dir, 'pd.json');
  await writeFile(file, JSON.stringify({ hooks }));
  return loadConfigFile(file, '/');
}

async function problem(hooks: unknown): Promise<string> {
  const error = (await load(hooks).then(
    () => {
      throw new Error('the config was taken; a usage error was expected');
    },
    (caught: unknown) => caught,
  )) as TomcatPdError;
  expect(error.code).toBe(ErrorCode.usage);
  return error.message;
}

describe('the config file\'s "hooks"', () => {
  it("takes a command per moment, the default timeout, and runs them in the config file's folder", async () => {
    const config = await load({ 'before-deploy': 'flyway migrate', 'on-failure': './page.sh "$X"' });
    expect(config?.hooks).toEqual({
      commands: { 'before-deploy': 'flyway migrate', 'on-failure': './page.sh "$X"' },
      timeoutMs: DEFAULT_HOOK_TIMEOUT_MS,
      cwd: dir,
    });
    expect(DEFAULT_HOOK_TIMEOUT_MS).toBe(600_000);
  });

  it('takes a timeout for each run of a hook', async () => {
    expect((await load({ 'after-deploy': 'true', timeout: '90s' }))?.hooks?.timeoutMs).toBe(90_000);
  });

  it('no hooks, or a timeout alone: nothing to run', async () => {
    expect((await load(undefined))?.hooks).toBeUndefined();
    expect((await load({ timeout: '5m' }))?.hooks).toBeUndefined();
  });

  it('refuses a moment it does not know, naming those it knows', async () => {
    expect(await problem({ 'before-rollback': 'true' })).toContain(
      'unknown key "hooks.before-rollback" (known: before-deploy, after-deploy, after-rollback, after-restart, on-failure, timeout).',
    );
  });

  it.each([
    [{ 'after-deploy': '' }, '"hooks.after-deploy" must be a shell command (a non-empty string).'],
    [{ 'after-deploy': '   ' }, '"hooks.after-deploy" must be a shell command (a non-empty string).'],
    [{ 'after-deploy': ['sh', '-c', 'x'] }, '"hooks.after-deploy" must be a shell command'],
    [['before-deploy'], '"hooks" must be an object'],
    [
      { 'after-deploy': 'true', timeout: 'soon' },
      '"hooks.timeout" must be a duration such as 30s, 5m or 1h.',
    ],
    [{ 'after-deploy': 'true', timeout: 300 }, '"hooks.timeout" must be a duration'],
    [{ 'after-deploy': 'true', timeout: '0s' }, '"hooks.timeout" must be a duration'],
  ])('refuses %j', async (hooks, expected) => {
    const message = await problem(hooks);
    expect(message).toMatch(/^The config file .*pd\.json: /);
    expect(message).toContain(expected);
  });
});
