import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode, type TomcatPdError } from '@tomcat-pd/core';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../src/config-file.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-config-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` (a string is written as is, so broken JSON stays broken) and returns the path. */
async function configFile(content: unknown, name = 'pd.json'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

/** The usage error `loadConfigFile` rejects with; fails the test if it resolves. */
async function usageFailure(explicit: string | undefined, cwd = dir): Promise<TomcatPdError> {
  const error = (await loadConfigFile(explicit, cwd).then(
    () => {
      throw new Error('loadConfigFile resolved, a usage error was expected');
    },
    (e: unknown) => e,
  )) as TomcatPdError;
  expect(error.code).toBe(ErrorCode.usage);
  return error;
}

describe('loadConfigFile', () => {
  it('reads a valid file with targets and defaults', async () => {
    const file = await configFile({
      targets: [
        { name: 'web1', url: 'http://web1:8080/manager', user: 'deployer', passwordEnv: 'WEB1_PW' },
        { name: 'web2', url: 'http://web2:8080/manager', passwordFile: '/run/secrets/web2' },
      ],
      defaults: { path: '/shop', width: 4 },
    });
    const config = await loadConfigFile(file, dir);
    expect(config).toEqual({
      source: file,
      targets: [
        { name: 'web1', url: 'http://web1:8080/manager', user: 'deployer', passwordEnv: 'WEB1_PW' },
        { name: 'web2', url: 'http://web2:8080/manager', passwordFile: '/run/secrets/web2' },
      ],
      balancers: [],
      defaults: { path: '/shop', width: 4 },
    });
  });

  it('reads tomcat-pd.json from the working directory when no --config is given', async () => {
    await configFile({ targets: [{ name: 'a', url: 'http://a/manager' }] }, DEFAULT_CONFIG_FILE);
    const config = await loadConfigFile(undefined, dir);
    expect(config?.targets.map((t) => t.name)).toEqual(['a']);
    expect(config?.defaults).toEqual({});
  });

  it('is undefined without --config and without tomcat-pd.json', async () => {
    expect(await loadConfigFile(undefined, dir)).toBeUndefined();
  });

  it('refuses a missing --config file, naming it', async () => {
    const error = await usageFailure('nowhere.json');
    expect(error.message).toContain(join(dir, 'nowhere.json'));
  });

  // The file is resolved against the working directory, as a shell user expects of a relative path.
  it('resolves a relative --config against the working directory', async () => {
    await configFile({ targets: [] }, 'relative.json');
    const config = await loadConfigFile('relative.json', dir);
    expect(config?.source).toBe(join(dir, 'relative.json'));
  });

  describe('not valid JSON: says where', () => {
    it.each([
      // A trailing comma: V8 reports a position.
      ['a trailing comma', '{\n  "targets": [\n    { "name": "a", "url": "http://a/m", }\n  ]\n}\n', 3, 41],
      // A missing closing brace at the very end.
      ['an unclosed object', '{\n  "targets": []\n', 3, 1],
      // An unquoted value: V8's message for an unexpected token carries no position, so the
      // tool has to find it itself (this is the mistake people make most: an unquoted URL).
      ['an unquoted value', '{\n  "targets": [\n    { "name": web1 }\n  ]\n}\n', 3, 15],
    ])('%s gives line and column', async (_what, text, line, column) => {
      const file = await configFile(text);
      const error = await usageFailure(file);
      expect(error.message).toContain(file);
      expect(error.message).toMatch(/not valid JSON/);
      expect(error.message).toContain(`line ${line}, column ${column}`);
    });

    it('names the mistake in words: a trailing comma before }', async () => {
      const error = await usageFailure(await configFile('{ "targets": [], }'));
      expect(error.message).toMatch(/\(a comma before \} is not allowed\)\.$/);
    });

    it('an empty file is not valid JSON either', async () => {
      const error = await usageFailure(await configFile(''));
      expect(error.message).toMatch(/not valid JSON/);
    });
  });

  it.each([
    [{ targets: [], extra: 1 }, /unknown key "extra"/],
    [{ targets: [{ name: 'a', url: 'http://a/m', password: 'x' }] }, /unknown key "targets\[0\]\.password"/],
    [{ defaults: { path: '/a', witdh: 3 } }, /unknown key "defaults\.witdh"/],
  ])('refuses unknown keys: %j', async (content, message) => {
    const error = await usageFailure(await configFile(content));
    expect(error.message).toMatch(message);
  });

  it('refuses a target name used twice', async () => {
    const error = await usageFailure(
      await configFile({
        targets: [
          { name: 'web1', url: 'http://a/m' },
          { name: 'web1', url: 'http://b/m' },
        ],
      }),
    );
    expect(error.message).toMatch(/"web1" is used twice/);
  });

  it('refuses a target with both passwordEnv and passwordFile', async () => {
    const error = await usageFailure(
      await configFile({
        targets: [{ name: 'web1', url: 'http://a/m', passwordEnv: 'PW', passwordFile: '/pw' }],
      }),
    );
    expect(error.message).toMatch(/both passwordEnv and passwordFile/);
    expect(error.message).toContain('web1');
  });

  it.each([
    [[1, 2], /must be a JSON object/],
    [{ targets: {} }, /"targets" must be an array/],
    [{ targets: [{ url: 'http://a/m' }] }, /targets\[0\] needs a "name"/],
    [{ targets: [{ name: 'a' }] }, /targets\[0\] \("a"\) needs a "url"/],
    [{ targets: [{ name: 'a', url: 5 }] }, /targets\[0\]\.url must be a string/],
    [{ defaults: { width: 2.5 } }, /"defaults\.width" must be a whole number/],
    [{ defaults: { path: 1 } }, /"defaults\.path" must be a string/],
  ])('refuses the wrong shape %j', async (content, message) => {
    const error = await usageFailure(await configFile(content));
    expect(error.message).toMatch(message);
  });
});

describe('loadConfigFile: SSH settings', () => {
  it('takes ssh, sshKeyFile and sshKnownHosts on targets, balancers and the defaults, the files found from its folder', async () => {
    const file = await configFile({
      targets: [
        {
          name: 'web1',
          url: 'http://127.0.0.1:8080/manager',
          ssh: 'deploy@web1',
          sshKeyFile: 'keys/web1',
          sshKnownHosts: 'kh',
        },
      ],
      balancers: [
        {
          name: 'lb1',
          type: 'haproxy',
          socket: '/run/haproxy/admin.sock',
          backend: 'b',
          ssh: 'deploy@lb1',
          sshKeyFile: 'keys/lb',
        },
        { name: 'lb2', type: 'haproxy', socket: 'admin.sock', backend: 'b' },
      ],
      defaults: { sshKeyFile: 'keys/default', sshKnownHosts: 'known_hosts' },
    });
    const loaded = await loadConfigFile(file);
    expect(loaded?.targets[0]).toMatchObject({
      ssh: 'deploy@web1',
      sshKeyFile: join(dir, 'keys/web1'),
      sshKnownHosts: join(dir, 'kh'),
    });
    expect(loaded?.defaults).toMatchObject({
      sshKeyFile: join(dir, 'keys/default'),
      sshKnownHosts: join(dir, 'known_hosts'),
    });
    // Through SSH the socket is a path on the balancer's host, left as written; without, it is ours.
    expect(loaded?.balancers.map((b) => [b.socket, b.sshKeyFile])).toEqual([
      ['/run/haproxy/admin.sock', join(dir, 'keys/lb')],
      [join(dir, 'admin.sock'), undefined],
    ]);
  });

  it('refuses an ssh that is not a string, naming the key', async () => {
    const file = await configFile({ targets: [{ name: 'web1', url: 'http://h/manager', ssh: 22 }] });
    expect((await usageFailure(file)).message).toContain('targets[0].ssh must be a string.');
  });

  it('refuses a defaults.sshKeyFile that is not a string', async () => {
    const file = await configFile({ targets: [], defaults: { sshKeyFile: ['a'] } });
    expect((await usageFailure(file)).message).toContain('"defaults.sshKeyFile" must be a string.');
  });
});

describe('loadConfigFile: notify and auditLog', () => {
  it('takes webhook URLs and an audit file found from its folder', async () => {
    const hook = 'https://hooks.slack.com/services/T000/B000/XXXX';
    const file = await configFile({ targets: [], notify: [hook], auditLog: 'logs/audit.jsonl' });
    const config = await loadConfigFile(file, '/elsewhere');
    expect(config?.notify).toEqual([hook]);
    expect(config?.auditLog).toBe(join(dir, 'logs/audit.jsonl'));
  });

  it('has neither by default', async () => {
    const config = await loadConfigFile(await configFile({ targets: [] }));
    expect(config?.notify).toBeUndefined();
    expect(config?.auditLog).toBeUndefined();
  });

  it('refuses a notify that is not a list of http(s) URLs, without quoting the URL (it holds a token)', async () => {
    const notList = await configFile({ notify: 'https://hooks.example/x' });
    expect((await usageFailure(notList)).message).toContain('"notify" must be an array of webhook URLs.');
    const wrong = await configFile({ notify: ['https://ok.example/a', 'ftp://user:token@hooks.example/x'] });
    const message = (await usageFailure(wrong)).message;
    expect(message).toContain('notify[1] must be an http:// or https:// URL.');
    expect(message).not.toContain('token');
  });

  it('refuses an auditLog that is not a file name', async () => {
    for (const auditLog of ['', 3]) {
      const file = await configFile({ auditLog });
      expect((await usageFailure(file)).message).toContain('"auditLog" must be the name of a file.');
    }
  });
});
