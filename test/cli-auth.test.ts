import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLOSED_URL, expectExit, jsonOf, runCli, type CliResult } from './cli-helpers.js';
import { useTomcat } from './support.js';

const fixture = useTomcat();

/** Every form in which a password could leak into the output. */
function leakForms(user: string, password: string): string[] {
  return [password, encodeURIComponent(password), Buffer.from(`${user}:${password}`).toString('base64')];
}

function expectNoSecret(result: CliResult, user: string, password: string): void {
  for (const form of leakForms(user, password)) {
    expect(result.stdout).not.toContain(form);
    expect(result.stderr).not.toContain(form);
  }
}

/** Paths of the `status --json` apps: proof that the command talked to the real Tomcat. */
function appPaths(result: CliResult): string[] {
  return jsonOf<{ apps: { path: string }[] }>(result).apps.map((app) => app.path);
}

/** A directory with a `tomcat-pd.json` (and whatever else is given), for config tests. */
async function configDir(config: unknown, extra: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(fixture.warDir, 'config-'));
  await writeFile(join(dir, 'tomcat-pd.json'), JSON.stringify(config));
  for (const [name, content] of Object.entries(extra)) await writeFile(join(dir, name), content);
  return dir;
}

describe('credentials', () => {
  // The wrong password goes with the manager-gui user, never with the script user: Tomcat's
  // LockOutRealm locks a user after 5 failures, which would break every later test.
  it('a wrong password exits 4 and never shows the password, not even with --verbose', async () => {
    const { name } = fixture.tomcat.users.guiOnly;
    const wrong = 'Wr0ng:p@ss w/ord';
    const result = await runCli(['status', '--verbose', '--url', fixture.tomcat.managerUrl, '--user', name], {
      env: { TOMCAT_PD_PASSWORD: wrong },
    });
    expectExit(result, 4);
    expect(result.stderr).toMatch(/401/);
    expect(result.stderr).toContain(name);
    expect(result.stderr).toMatch(/debug: /);
    expectNoSecret(result, name, wrong);
  });

  it('a user without the manager-script role exits 4 and says which role is missing', async () => {
    const { name, password } = fixture.tomcat.users.guiOnly;
    const result = await runCli(['--url', fixture.tomcat.managerUrl, '--user', name, 'status'], {
      env: { TOMCAT_PD_PASSWORD: password },
    });
    expectExit(result, 4);
    expect(result.stderr).toMatch(/403/);
    expect(result.stderr).toContain('manager-script');
    expectNoSecret(result, name, password);
  });

  // status reports on every target (a --url is a set of one): a target that refuses the user is
  // in the one document's `errors`, and its code decides the exit code.
  it('with --json the refused target is in the errors of the one document on stdout', async () => {
    const { name, password } = fixture.tomcat.users.guiOnly;
    const result = await runCli(['status', '--json', '--url', fixture.tomcat.managerUrl, '--user', name], {
      env: { TOMCAT_PD_PASSWORD: password },
    });
    const document = jsonOf<{ apps: unknown[]; errors: Record<string, unknown>[] }>(result, 4);
    expect(document.apps).toEqual([]);
    expect(document.errors).toEqual([
      {
        target: fixture.tomcat.managerUrl,
        error: expect.objectContaining({ code: 'E_FORBIDDEN', message: expect.stringContaining('403') }),
      },
    ]);
    expect(JSON.stringify(document.errors)).toContain('manager-script');
    expectNoSecret(result, name, password);
  });

  it('an unreachable URL exits 4; --verbose shows the requests but no password', async () => {
    const password = 'Unre@chable:S3cret';
    const result = await runCli(
      ['status', '--verbose', '--retries', '1', '--url', CLOSED_URL, '--user', 'deployer'],
      {
        env: { TOMCAT_PD_PASSWORD: password },
      },
    );
    expectExit(result, 4);
    expect(result.stderr).toMatch(/Cannot reach/);
    expect(result.stderr).toContain('127.0.0.1:1');
    expect(result.stderr).toMatch(/debug: .*GET .*\/text\/list/);
    expectNoSecret(result, 'deployer', password);
  });

  it('credentials written into the URL are not printed', async () => {
    const result = await runCli(
      [
        'status',
        '--verbose',
        '--retries',
        '0',
        '--url',
        'http://deployer:UrlS3cret@127.0.0.1:1/manager',
        '--user',
        'deployer',
      ],
      { env: { TOMCAT_PD_PASSWORD: 'pw' } },
    );
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).not.toContain('UrlS3cret');
  });

  it('--verbose against a real Tomcat: requests logged, no password, no Authorization value', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const result = await runCli(['--verbose', '--url', managerUrl, '--user', user, 'status'], {
      env: { TOMCAT_PD_PASSWORD: password },
    });
    expectExit(result, 0);
    expect(result.stderr).toMatch(/debug: .*GET .*\/text\/list/);
    expectNoSecret(result, user, password);
  });
});

describe('where the password comes from', () => {
  it('TOMCAT_PD_PASSWORD', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const result = await runCli(['status', '--json', '--url', managerUrl, '--user', user], {
      env: { TOMCAT_PD_PASSWORD: password },
    });
    expect(appPaths(result)).toContain('/manager');
  });

  it('--password-stdin (first line; the newline of echo is not part of it)', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const result = await runCli(
      ['status', '--json', '--password-stdin', '--url', managerUrl, '--user', user],
      {
        input: `${password}\n`,
      },
    );
    expect(appPaths(result)).toContain('/manager');
  });

  it('the config target passwordEnv', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const cwd = await configDir({
      targets: [{ name: 'web1', url: managerUrl, user, passwordEnv: 'WEB1_PASSWORD' }],
    });
    const result = await runCli(['status', '--json'], { cwd, env: { WEB1_PASSWORD: password } });
    expect(appPaths(result)).toContain('/manager');
  });

  it('the config target passwordFile (its first line)', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const dir = await mkdtemp(join(fixture.warDir, 'pwfile-'));
    const passwordFile = join(dir, 'web1.password');
    await writeFile(passwordFile, `${password}\n# the first line only\n`, { mode: 0o600 });
    const config = join(dir, 'elsewhere.json');
    await writeFile(
      config,
      JSON.stringify({ targets: [{ name: 'web1', url: managerUrl, user, passwordFile }] }),
    );
    const result = await runCli(['--config', config, 'status', '--json']);
    expect(appPaths(result)).toContain('/manager');
  });

  it('--password-stdin from a closed, empty pipe is refused (exit 2), not sent empty', async () => {
    const { managerUrl, user } = fixture.tomcat;
    const result = await runCli(['status', '--password-stdin', '--url', managerUrl, '--user', user], {
      input: '',
    });
    expectExit(result, 2);
    expect(result.stderr).toContain('No password');
  });
});

describe('precedence: flags > environment > config file', () => {
  it('--url beats TOMCAT_PD_URL, before or after the command name', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const env = { TOMCAT_PD_URL: CLOSED_URL, TOMCAT_PD_PASSWORD: password };
    expect(
      appPaths(await runCli(['--url', managerUrl, '--user', user, 'status', '--json'], { env })),
    ).toContain('/manager');
    expect(
      appPaths(await runCli(['status', '--json', '--url', managerUrl, '--user', user], { env })),
    ).toContain('/manager');
  });

  it('--user beats TOMCAT_PD_USER', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    // If the environment won, the gui user would get 403 (exit 4): harmless for the lock-out.
    const env = { TOMCAT_PD_USER: fixture.tomcat.users.guiOnly.name, TOMCAT_PD_PASSWORD: password };
    expect(
      appPaths(await runCli(['status', '--json', '--url', managerUrl, '--user', user], { env })),
    ).toContain('/manager');
  });

  it('--password-stdin beats TOMCAT_PD_PASSWORD', async () => {
    const { managerUrl, password } = fixture.tomcat;
    const gui = fixture.tomcat.users.guiOnly;
    // The gui user's password in the environment, the script user's on stdin: only stdin works.
    const env = { TOMCAT_PD_PASSWORD: gui.password };
    const result = await runCli(
      ['status', '--json', '--password-stdin', '--url', managerUrl, '--user', fixture.tomcat.user],
      {
        env,
        input: password,
      },
    );
    expect(appPaths(result)).toContain('/manager');
  });

  it('TOMCAT_PD_URL, TOMCAT_PD_USER and TOMCAT_PD_PASSWORD beat the config file', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const gui = fixture.tomcat.users.guiOnly;
    const cwd = await configDir({
      targets: [{ name: 'web1', url: CLOSED_URL, user: gui.name, passwordEnv: 'WEB1_PASSWORD' }],
    });
    const env = {
      TOMCAT_PD_URL: managerUrl,
      TOMCAT_PD_USER: user,
      TOMCAT_PD_PASSWORD: password,
      WEB1_PASSWORD: gui.password,
    };
    expect(appPaths(await runCli(['status', '--json'], { cwd, env }))).toContain('/manager');
  });

  it('TOMCAT_PD_PASSWORD beats the config passwordEnv of the chosen target', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const cwd = await configDir({
      targets: [{ name: 'web1', url: managerUrl, user, passwordEnv: 'WEB1_PASSWORD' }],
    });
    // WEB1_PASSWORD is unset: had the config been asked, that would be exit 2.
    const result = await runCli(['status', '--json'], { cwd, env: { TOMCAT_PD_PASSWORD: password } });
    expect(appPaths(result)).toContain('/manager');
  });

  it('--user beats the config user', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const cwd = await configDir({
      targets: [{ name: 'web1', url: managerUrl, user: 'nobody', passwordEnv: 'WEB1_PASSWORD' }],
    });
    const result = await runCli(['status', '--json', '--user', user], {
      cwd,
      env: { WEB1_PASSWORD: password },
    });
    expect(appPaths(result)).toContain('/manager');
  });

  // A flag beats the environment: `--target web1` is what the user typed now; a TOMCAT_PD_URL
  // left in the shell (or CI) environment must not turn it into "Give either --url or --target".
  it('--target beats TOMCAT_PD_URL', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const cwd = await configDir({
      targets: [{ name: 'web1', url: managerUrl, user, passwordEnv: 'WEB1_PASSWORD' }],
    });
    const result = await runCli(['status', '--json', '--target', 'web1'], {
      cwd,
      env: { TOMCAT_PD_URL: CLOSED_URL, WEB1_PASSWORD: password },
    });
    expect(appPaths(result)).toContain('/manager');
  });

  it('--url together with --target is refused (exit 2)', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const cwd = await configDir({
      targets: [{ name: 'web1', url: managerUrl, user, passwordEnv: 'WEB1_PASSWORD' }],
    });
    const result = await runCli(['status', '--url', managerUrl, '--target', 'web1'], {
      cwd,
      env: { WEB1_PASSWORD: password },
    });
    expectExit(result, 2);
    expect(result.stderr).toMatch(/--url or --target/);
  });

  it('--target picks one of several config targets', async () => {
    const { managerUrl, user, password } = fixture.tomcat;
    const cwd = await configDir({
      targets: [
        { name: 'down', url: CLOSED_URL, user, passwordEnv: 'PW' },
        { name: 'up', url: managerUrl, user, passwordEnv: 'PW' },
      ],
    });
    const env = { PW: password };
    expect(appPaths(await runCli(['status', '--json', '--target', 'up'], { cwd, env }))).toContain(
      '/manager',
    );
  });
});
