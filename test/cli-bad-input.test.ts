import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, expect as globalExpect, it, type ExpectStatic } from 'vitest';
import { CLOSED_URL, cliAgainst, expectExit, jsonOf, runCli, type CliResult } from './cli-helpers.js';
import { buildCorruptWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import { useTomcat } from './support.js';

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);

interface Files {
  good: string;
  corrupt: string;
  empty: string;
  directory: string;
  missing: string;
  brokenConfig: string;
  config: string;
}
let files: Files;

beforeAll(async () => {
  const dir = fixture.warDir;
  await mkdir(join(dir, 'a-directory.war'));
  await writeFile(join(dir, 'empty.war'), '');
  // A trailing comma on line 3: the message must point there.
  await writeFile(
    join(dir, 'broken.json'),
    `{\n  "targets": [\n    { "name": "web1", "url": "${CLOSED_URL}", },\n  ]\n}\n`,
  );
  await writeFile(
    join(dir, 'targets.json'),
    JSON.stringify({ targets: [{ name: 'web1', url: CLOSED_URL, user: 'u', passwordEnv: 'PW1' }] }),
  );
  files = {
    good: await buildTestWar(dir, { label: 'good' }),
    corrupt: await buildCorruptWar(dir),
    empty: join(dir, 'empty.war'),
    directory: join(dir, 'a-directory.war'),
    missing: join(dir, 'no-such.war'),
    brokenConfig: join(dir, 'broken.json'),
    config: join(dir, 'targets.json'),
  };
});

/** A bad input: the arguments (without a connection), and what the message must say. */
interface BadInput {
  name: string;
  args: (f: Files) => string[];
  says: (f: Files) => (string | RegExp)[];
  /** Brings its own connection (a config file): no --url/--user is added. */
  ownConnection?: boolean;
  /** Changes the server if the validation were missing: also run against the real Tomcat. */
  deploys?: boolean;
}

const BAD_INPUTS: BadInput[] = [
  {
    name: 'a missing WAR',
    args: (f) => ['deploy', f.missing, '--path', '/bad'],
    says: (f) => [f.missing, /no such file/],
    deploys: true,
  },
  {
    name: 'a WAR that is a directory (unreadable as a file)',
    args: (f) => ['deploy', f.directory, '--path', '/bad'],
    says: (f) => [f.directory, /not a file/],
    deploys: true,
  },
  {
    name: 'an empty WAR',
    args: (f) => ['deploy', f.empty, '--path', '/bad'],
    says: (f) => [f.empty, /empty/],
    deploys: true,
  },
  {
    name: 'a WAR that is not a zip',
    args: (f) => ['deploy', f.corrupt, '--path', '/bad'],
    says: (f) => [f.corrupt, /not a zip/],
    deploys: true,
  },
  {
    name: 'a path without a leading /',
    args: (f) => ['deploy', f.good, '--path', 'bad'],
    says: () => ['"bad"', /start with \//],
    deploys: true,
  },
  ...['1/2', 'a b', '1+2', '../x', 'v1#2', 'ü'].map((version): BadInput => ({
    name: `deploy --version ${JSON.stringify(version)}`,
    args: (f) => ['deploy', f.good, '--path', '/bad', '--version', version],
    says: () => [`"${version}"`, 'A-Z a-z 0-9 . _ -'],
    deploys: true,
  })),
  {
    name: 'deploy --width 0',
    args: (f) => ['deploy', f.good, '--path', '/bad', '--width', '0'],
    says: () => ['--width'],
    deploys: true,
  },
  {
    name: 'deploy without --path (and no config default)',
    args: (f) => ['deploy', f.good],
    says: () => ['--path'],
    deploys: true,
  },
  // Versions with other characters are refused by every command, not only by deploy: the user
  // typed something no Tomcat version can be, so nothing should be sent.
  {
    name: 'undeploy --version "a b"',
    args: () => ['undeploy', '--path', '/bad', '--version', 'a b'],
    says: () => ['"a b"'],
  },
  {
    name: 'rollback --to "a b"',
    args: () => ['rollback', '--path', '/bad', '--to', 'a b'],
    says: () => ['"a b"'],
  },
  {
    name: 'sessions --version "a b"',
    args: () => ['sessions', '--path', '/bad', '--version', 'a b'],
    says: () => ['"a b"'],
  },
  // status, sessions and drain work on every target; a bad input is still refused once, before
  // any target is asked, not reported as a failure of each target.
  {
    name: 'status --path without a leading /',
    args: () => ['status', '--path', 'bad'],
    says: () => ['"bad"'],
  },
  {
    name: 'sessions --path without a leading /',
    args: () => ['sessions', '--path', 'bad'],
    says: () => ['"bad"'],
  },
  {
    name: 'drain --path without a leading /',
    args: () => ['drain', '--path', 'bad'],
    says: () => ['"bad"'],
  },
  {
    name: 'an unknown target name',
    args: (f) => ['status', '--config', f.config, '--target', 'web9'],
    says: (f) => ['"web9"', 'web1', f.config],
    ownConnection: true,
  },
  {
    name: 'a config file that is not valid JSON',
    args: (f) => ['status', '--config', f.brokenConfig],
    says: (f) => [f.brokenConfig, /not valid JSON/, /line 3, column \d+/],
    ownConnection: true,
  },
  {
    name: 'a missing --config file',
    args: (f) => ['status', '--config', f.missing],
    says: (f) => [f.missing],
    ownConnection: true,
  },
  {
    name: 'drain --keep -1',
    args: () => ['drain', '--keep', '-1'],
    says: () => ['--keep', '"-1"'],
  },
  {
    name: 'drain --grace soon',
    args: () => ['drain', '--grace', 'soon'],
    says: () => ['--grace', '"soon"'],
  },
  // An empty value, as an unset shell variable gives (`--grace "$GRACE"`).
  {
    name: 'drain --grace ""',
    args: () => ['drain', '--grace', ''],
    says: () => ['--grace'],
  },
  {
    name: 'drain --every with --dry-run',
    args: () => ['drain', '--every', '1m', '--dry-run'],
    says: () => ['--every', '--dry-run'],
  },
  {
    name: 'a global --timeout that is no duration',
    args: () => ['status', '--timeout', 'abc'],
    says: () => ['--timeout', '"abc"'],
  },
  {
    name: 'a global --retries that is no number',
    args: () => ['status', '--retries', 'x'],
    says: () => ['--retries', '"x"'],
  },
];

function expectSays(result: CliResult, says: (string | RegExp)[], expect: ExpectStatic = globalExpect): void {
  for (const part of says) {
    if (typeof part === 'string') expect(result.stderr).toContain(part);
    else expect(result.stderr).toMatch(part);
  }
}

describe('bad input: exit 2, a message that says what is wrong, nothing sent', () => {
  // Against a port where nothing listens: had the tool sent anything, it would exit 4 (cannot
  // connect). Exit 2 proves that the input was refused before any connection.
  // Concurrent: each case is one short child process, and there are many of them.
  it.concurrent.for(BAD_INPUTS)('$name', async (bad, { expect }) => {
    // --retries 0: should the input get through, the connection failure is quick (and exit 4).
    const connection = bad.ownConnection ? [] : ['--url', CLOSED_URL, '--user', 'deployer', '--retries', '0'];
    // The connection before the command name, so that a bad global option after it wins.
    const result = await runCli([...connection, ...bad.args(files)], {
      env: { TOMCAT_PD_PASSWORD: 'pw', PW1: 'pw' },
      cwd: fixture.warDir,
    });
    expectExit(result, 2);
    expectSays(result, bad.says(files), expect);
    expect(result.stderr).toMatch(/^error: /m);
    expect(result.stderr).not.toMatch(/Cannot reach/);
    expect(result.stdout).toBe('');
  });

  // The same inputs against a real Tomcat: still exit 2, and the server is as it was.
  it('changes nothing on a real Tomcat', async () => {
    const before = jsonOf(await cli(['status', '--json']));
    for (const bad of BAD_INPUTS.filter((b) => b.deploys)) {
      const result = await cli(bad.args(files));
      expectExit(result, 2);
      expectSays(result, bad.says(files));
    }
    const after = jsonOf<{ apps: { path: string }[] }>(await cli(['status', '--json']));
    expect(after).toEqual(before);
    expect(after.apps.map((app) => app.path)).not.toContain('/bad');
  });

  // A missing password is no mistake on the command line: the usage line would bury the hint.
  it('says how to give a password when there is none, without the usage', async () => {
    const result = await runCli(['status', '--url', CLOSED_URL, '--user', 'deployer']);
    expectExit(result, 2);
    expect(result.stderr).toContain('No password');
    expect(result.stderr).toContain('TOMCAT_PD_PASSWORD');
    expect(result.stderr).toContain('--password-stdin');
    expect(result.stderr).not.toContain('Usage:');
  });

  it('says how to give a user when there is none', async () => {
    const result = await runCli(['status', '--url', CLOSED_URL], { env: { TOMCAT_PD_PASSWORD: 'pw' } });
    expectExit(result, 2);
    expect(result.stderr).toContain('No user');
    expect(result.stderr).toContain('--user');
  });

  it('says there is no Tomcat to talk to without --url and without a config file', async () => {
    const result = await runCli(['status'], { env: { TOMCAT_PD_PASSWORD: 'pw' }, cwd: fixture.warDir });
    expectExit(result, 2);
    expect(result.stderr).toContain('No Tomcat to talk to');
  });

  it('refuses a password on the command line: there is no --password flag', async () => {
    const result = await runCli(['status', '--url', CLOSED_URL, '--user', 'u', '--password', 'secret']);
    expectExit(result, 2);
    expect(result.stderr).toMatch(/unknown option '--password'/);
  });
});

describe('usage errors print the usage', () => {
  it.each([
    [['deploy'], /missing required argument 'war'/, 'Usage: tomcat-pd deploy [options] <war>'],
    [['status', '--bogus'], /unknown option '--bogus'/, 'Usage: tomcat-pd status [options]'],
    [
      ['undeploy', '--path', '/a'],
      /required option '--version <version>' not specified/,
      'Usage: tomcat-pd undeploy [options]',
    ],
    [['deploy', 'a.war', 'b.war'], /too many arguments/, 'Usage: tomcat-pd deploy [options] <war>'],
    [['bogus'], /unknown command 'bogus'/, 'Usage: tomcat-pd [options] [command]'],
  ])('%j', async (args, message, usage) => {
    const result = await runCli(args);
    expectExit(result, 2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain(usage);
    expect(result.stdout).toBe('');
  });

  it("a command-line mistake found by the tool (not by the parser) prints the command's usage", async () => {
    const result = await runCli(['deploy', files.good, '--url', CLOSED_URL, '--user', 'u'], {
      env: { TOMCAT_PD_PASSWORD: 'pw' },
    });
    expectExit(result, 2);
    expect(result.stderr).toContain('Usage: tomcat-pd deploy [options] <war>');
    const value = await runCli(['drain', '--keep', 'x', '--url', CLOSED_URL, '--user', 'u'], {
      env: { TOMCAT_PD_PASSWORD: 'pw' },
    });
    expectExit(value, 2);
    expect(value.stderr).toContain('Usage: tomcat-pd drain [options]');
  });

  // Bad input that has nothing to do with the command line: the message and its hint stand alone.
  it.each([
    ['a corrupt WAR', (f: Files) => ['deploy', f.corrupt, '--path', '/bad'], /not a zip/],
    ['a broken config file', (f: Files) => ['status', '--config', f.brokenConfig], /not valid JSON/],
  ])('%s prints no usage line', async (_name, args, says) => {
    const result = await runCli(['--url', CLOSED_URL, '--user', 'u', ...args(files)], {
      env: { TOMCAT_PD_PASSWORD: 'pw' },
      cwd: fixture.warDir,
    });
    expectExit(result, 2);
    expect(result.stderr).toMatch(says);
    expect(result.stderr).not.toContain('Usage:');
  });
});

describe('help and version', () => {
  it.each([[[]], [['deploy']], [['status']], [['sessions']], [['rollback']], [['drain']], [['undeploy']]])(
    '%j --help exits 0 and shows examples',
    async (command) => {
      const result = expectExit(await runCli([...command, '--help']), 0);
      expect(result.stdout).toContain('Examples:');
      expect(result.stdout).toContain(`$ tomcat-pd ${command[0] ?? ''}`);
      expect(result.stdout).toContain(`Usage: tomcat-pd ${command[0] ?? ''}`);
    },
  );

  it('help <command> is the same as <command> --help', async () => {
    const viaHelp = expectExit(await runCli(['help', 'drain']), 0);
    const viaFlag = expectExit(await runCli(['drain', '--help']), 0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
  });

  it('the program help names every command, the password sources and the exit codes', async () => {
    const { stdout } = expectExit(await runCli(['--help']), 0);
    for (const command of ['deploy', 'status', 'sessions', 'rollback', 'drain', 'undeploy']) {
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    expect(stdout).toContain('TOMCAT_PD_PASSWORD');
    expect(stdout).toMatch(
      /Exit codes: 0 ok, 1 failed,\s+2 bad usage or input, 3 refused by a safety rule, 4 cannot/,
    );
  });

  it.each([['--version'], ['-V']])('%s prints the package version', async (flag) => {
    const pkg = JSON.parse(
      await readFile(new URL('../packages/cli/package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const result = expectExit(await runCli([flag]), 0);
    expect(result.stdout).toBe(`${pkg.version}\n`);
  });

  // `deploy --version` is deploy's own option (the version to deploy), not the program version.
  it('deploy --version is the version to deploy, not the program version', async () => {
    const result = await runCli(
      ['deploy', files.good, '--path', '/bad', '--version', 'x y', '--url', CLOSED_URL, '--user', 'u'],
      {
        env: { TOMCAT_PD_PASSWORD: 'pw' },
      },
    );
    expectExit(result, 2);
    expect(result.stderr).toContain('"x y"');
  });
});
