import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type TomcatPdError } from '@tomcat-pd/core';
import type { ConfigFile } from '../src/config-file.js';
import { resolveTargets, type ConnectionOptions } from '../src/connection.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-connection-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function config(targets: ConfigFile['targets']): ConfigFile {
  return { source: '/etc/tomcat-pd.json', targets, balancers: [], defaults: {} };
}

const TWO = config([
  { name: 'web1', url: 'http://web1:8080/manager', user: 'cfg-user', passwordEnv: 'WEB1_PW' },
  { name: 'web2', url: 'http://web2:8080/manager', user: 'cfg-user', passwordEnv: 'WEB2_PW' },
]);
const TWO_ENV = { WEB1_PW: 'pw-one', WEB2_PW: 'pw-two' };

/** A stdin that must not be read: reading it would hang a real terminal session. */
const noStdin = () => Promise.reject(new Error('stdin must not be read'));

async function usageFailure(
  options: ConnectionOptions,
  cfg: ConfigFile | undefined,
  env: NodeJS.ProcessEnv = {},
): Promise<TomcatPdError> {
  const error = (await resolveTargets(options, cfg, noStdin, env).then(
    () => {
      throw new Error('resolveTargets resolved, a usage error was expected');
    },
    (e: unknown) => e,
  )) as TomcatPdError;
  expect(error.code).toBe(ErrorCode.usage);
  return error;
}

describe('resolveTargets', () => {
  it('builds one target from --url, --user and TOMCAT_PD_PASSWORD', async () => {
    const targets = await resolveTargets(
      { url: 'http://h:8080/manager', user: 'deployer' },
      undefined,
      noStdin,
      { TOMCAT_PD_PASSWORD: 'pw' },
    );
    expect(targets).toHaveLength(1);
    expect(targets[0]).toMatchObject({
      name: 'http://h:8080/manager',
      url: 'http://h:8080/manager',
      user: 'deployer',
      password: 'pw',
    });
  });

  describe('precedence: flags > environment > config', () => {
    it('--url (flag or TOMCAT_PD_URL, merged by commander) beats the config targets', async () => {
      const targets = await resolveTargets({ url: 'http://flag/manager', user: 'u' }, TWO, noStdin, {
        ...TWO_ENV,
        TOMCAT_PD_PASSWORD: 'env-pw',
      });
      expect(targets.map((t) => t.url)).toEqual(['http://flag/manager']);
    });

    it('--user beats the config user', async () => {
      const targets = await resolveTargets({ user: 'flag-user', target: 'web1' }, TWO, noStdin, TWO_ENV);
      expect(targets[0]?.user).toBe('flag-user');
    });

    it('TOMCAT_PD_PASSWORD beats the config passwordEnv', async () => {
      const targets = await resolveTargets({ target: 'web1' }, TWO, noStdin, {
        ...TWO_ENV,
        TOMCAT_PD_PASSWORD: 'env-pw',
      });
      expect(targets[0]?.password).toBe('env-pw');
    });

    it('--password-stdin beats TOMCAT_PD_PASSWORD, and only its first line counts', async () => {
      const targets = await resolveTargets(
        { url: 'http://h/manager', user: 'u', passwordStdin: true },
        undefined,
        () => Promise.resolve('stdin-pw\nsecond line\n'),
        { TOMCAT_PD_PASSWORD: 'env-pw' },
      );
      expect(targets[0]?.password).toBe('stdin-pw');
    });

    it('--password-stdin strips a Windows line end', async () => {
      const targets = await resolveTargets(
        { url: 'http://h/manager', user: 'u', passwordStdin: true },
        undefined,
        () => Promise.resolve('stdin-pw\r\n'),
      );
      expect(targets[0]?.password).toBe('stdin-pw');
    });

    it('the config gives user and password when nothing else does', async () => {
      const targets = await resolveTargets({}, TWO, noStdin, TWO_ENV);
      expect(targets).toMatchObject([
        { name: 'web1', url: 'http://web1:8080/manager', user: 'cfg-user', password: 'pw-one' },
        { name: 'web2', url: 'http://web2:8080/manager', user: 'cfg-user', password: 'pw-two' },
      ]);
    });

    it('--ca-file beats the config caFile; the config fills in the rest', async () => {
      const cfg = config([
        { name: 'a', url: 'https://a/manager', user: 'u', caFile: '/cfg/ca.pem', certFile: '/cfg/cert.pem' },
      ]);
      const [target] = await resolveTargets({ caFile: '/flag/ca.pem' }, cfg, noStdin, {
        TOMCAT_PD_PASSWORD: 'pw',
      });
      expect(target?.tlsFiles).toEqual({ caFile: '/flag/ca.pem', certFile: '/cfg/cert.pem' });
    });
  });

  describe('--target', () => {
    it('picks the named targets, in config order', async () => {
      expect((await resolveTargets({ target: 'web2' }, TWO, noStdin, TWO_ENV)).map((t) => t.name)).toEqual([
        'web2',
      ]);
      expect(
        (await resolveTargets({ target: 'web2, web1' }, TWO, noStdin, TWO_ENV)).map((t) => t.name),
      ).toEqual(['web1', 'web2']);
    });

    it('refuses an unknown name and lists the known ones', async () => {
      const error = await usageFailure({ target: 'web1,web9' }, TWO, TWO_ENV);
      expect(error.message).toContain('"web9"');
      expect(error.message).not.toContain('"web1"');
      expect(error.hint).toContain('web1, web2');
      expect(error.hint).toContain('/etc/tomcat-pd.json');
    });

    it('refuses an empty list', async () => {
      await usageFailure({ target: ' , ' }, TWO, TWO_ENV);
    });

    it('refuses --url together with --target', async () => {
      const error = await usageFailure({ url: 'http://h/manager', user: 'u', target: 'web1' }, TWO, {
        TOMCAT_PD_PASSWORD: 'pw',
      });
      expect(error.message).toMatch(/either --url or --target/);
    });
  });

  describe('config passwords', () => {
    it('names the passwordEnv variable that is not set', async () => {
      const error = await usageFailure({ target: 'web2' }, TWO, { WEB1_PW: 'pw-one' });
      expect(error.message).toContain('$WEB2_PW');
      expect(error.message).toContain('"web2"');
    });

    it('treats an empty passwordEnv variable as not set', async () => {
      const error = await usageFailure({ target: 'web1' }, TWO, { WEB1_PW: '' });
      expect(error.message).toContain('$WEB1_PW');
    });

    it('reads the first line of passwordFile', async () => {
      const file = join(dir, 'pw.txt');
      await writeFile(file, 'file-pw\nnot this\n');
      const targets = await resolveTargets(
        {},
        config([{ name: 'a', url: 'http://a/manager', user: 'u', passwordFile: file }]),
        noStdin,
        {},
      );
      expect(targets[0]?.password).toBe('file-pw');
    });

    it('says which target has an unreadable passwordFile', async () => {
      const error = await usageFailure(
        {},
        config([{ name: 'a', url: 'http://a/manager', user: 'u', passwordFile: join(dir, 'missing') }]),
      );
      expect(error.message).toMatch(/password file of target "a"/);
    });

    it('refuses an empty first line of passwordFile', async () => {
      const file = join(dir, 'empty-first-line.txt');
      await writeFile(file, '\nsecond\n');
      const error = await usageFailure(
        {},
        config([{ name: 'a', url: 'http://a/manager', user: 'u', passwordFile: file }]),
      );
      expect(error.message).toBe('No password for a.');
    });
  });

  describe('missing pieces', () => {
    it('says how to give a user', async () => {
      const error = await usageFailure({ url: 'http://h/manager' }, undefined, { TOMCAT_PD_PASSWORD: 'pw' });
      expect(error.message).toBe('No user for http://h/manager.');
      expect(error.hint).toMatch(/--user/);
      expect(error.hint).toMatch(/TOMCAT_PD_USER/);
    });

    it('says how to give a password, and offers no password flag', async () => {
      const error = await usageFailure({ url: 'http://h/manager', user: 'u' }, undefined, {});
      expect(error.message).toBe('No password for http://h/manager.');
      expect(error.hint).toMatch(/TOMCAT_PD_PASSWORD/);
      expect(error.hint).toMatch(/--password-stdin/);
      expect(error.hint).not.toMatch(/--password /);
    });

    it('refuses an empty --password-stdin', async () => {
      const error = (await resolveTargets(
        { url: 'http://h/manager', user: 'u', passwordStdin: true },
        undefined,
        () => Promise.resolve(''),
        // The environment must not fill in for an empty pipe: the user asked for stdin.
        { TOMCAT_PD_PASSWORD: 'env-pw' },
      ).catch((e: unknown) => e)) as TomcatPdError;
      expect(error.code).toBe(ErrorCode.usage);
      expect(error.message).toMatch(/No password/);
    });

    it('says there is no Tomcat without --url and without config targets', async () => {
      for (const cfg of [undefined, config([])]) {
        const error = await usageFailure({ user: 'u' }, cfg, { TOMCAT_PD_PASSWORD: 'pw' });
        expect(error.message).toBe('No Tomcat to talk to.');
        expect(error.hint).toMatch(/--url/);
      }
    });
  });
});

describe('resolveTargets: SSH', () => {
  const TUNNELLED: ConfigFile = {
    ...config([
      {
        name: 'web1',
        url: 'http://127.0.0.1:8080/manager',
        user: 'u',
        passwordEnv: 'WEB1_PW',
        ssh: 'deploy@web1',
        sshKeyFile: '/keys/web1',
      },
      {
        name: 'web2',
        url: 'http://127.0.0.1:8080/manager',
        user: 'u',
        passwordEnv: 'WEB2_PW',
        ssh: 'deploy@web2',
      },
      { name: 'web3', url: 'http://web3:8080/manager', user: 'u', passwordEnv: 'WEB2_PW' },
    ]),
    defaults: { sshKeyFile: '/keys/default', sshKnownHosts: '/etc/pd/known_hosts' },
  };

  it("gives each target its own destination, its key file else the defaults', and the passphrase from the environment", async () => {
    const targets = await resolveTargets({}, TUNNELLED, noStdin, {
      ...TWO_ENV,
      TOMCAT_PD_SSH_PASSPHRASE: 'phrase',
    });
    expect(targets.map((target) => target.ssh)).toEqual([
      {
        destination: 'deploy@web1',
        keyFile: '/keys/web1',
        knownHostsFile: '/etc/pd/known_hosts',
        passphrase: 'phrase',
      },
      {
        destination: 'deploy@web2',
        keyFile: '/keys/default',
        knownHostsFile: '/etc/pd/known_hosts',
        passphrase: 'phrase',
      },
      undefined,
    ]);
  });

  it('--ssh-key and --ssh-known-hosts beat the target and the defaults', async () => {
    const [web1] = await resolveTargets(
      { target: 'web1', sshKey: '/flag/key', sshKnownHosts: '/flag/known' },
      TUNNELLED,
      noStdin,
      TWO_ENV,
    );
    expect(web1?.ssh).toMatchObject({
      keyFile: '/flag/key',
      knownHostsFile: '/flag/known',
      passphrase: undefined,
    });
  });

  it('--ssh reaches the --url target through SSH', async () => {
    const [target] = await resolveTargets(
      { url: 'http://127.0.0.1:8080/manager', user: 'u', ssh: 'deploy@web1:2222', sshKey: '/k' },
      undefined,
      noStdin,
      { TOMCAT_PD_PASSWORD: 'pw' },
    );
    expect(target?.ssh).toEqual({
      destination: 'deploy@web1:2222',
      keyFile: '/k',
      knownHostsFile: undefined,
      passphrase: undefined,
    });
  });

  it('sets TOMCAT_PD_SSH aside with TOMCAT_PD_URL when --target chooses config targets', async () => {
    const [web2] = await resolveTargets(
      { url: 'http://env:8080/manager', urlFromEnv: true, ssh: 'deploy@env', target: 'web2' },
      TUNNELLED,
      noStdin,
      TWO_ENV,
    );
    expect(web2?.ssh?.destination).toBe('deploy@web2');
  });

  it('refuses --ssh with the config targets: each has its own', async () => {
    const error = await usageFailure({ ssh: 'deploy@web1' }, TUNNELLED, TWO_ENV);
    expect(error.message).toBe('--ssh goes with --url: the config file gives each target its own "ssh".');
  });
});
