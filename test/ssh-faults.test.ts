/**
 * The faults of a target reached through SSH (docs/ssh.md), each through the built CLI against a
 * real OpenSSH server (packages/testkit/src/sshd.ts) in front of a real Tomcat 10.1 that listens on
 * 127.0.0.1 only. Each says which exit code, which typed error and which words a user gets:
 * - the connection dropped in the middle of an upload: reconciled through a new connection,
 *   nothing half deployed (exit 4, E_CONNECT);
 * - the key refused (exit 4, E_SSH); sshd unreachable, quickly (exit 4, E_CONNECT); nothing
 *   listening at the target's port on the host (exit 4, E_CONNECT, "the tunnel works");
 * - forwarding refused by AllowTcpForwarding no (exit 4, E_SSH, the setting named) and by
 *   AllowStreamLocalForwarding no (exit 4, E_CONNECT: OpenSSH answers it as a missing socket, so
 *   the setting is named among the causes);
 * - host keys: unknown (the fingerprint as ssh-keygen -l prints it, and a command that adds it,
 *   run here), changed (loud, nothing sent), hashed known_hosts, a host known by its RSA key only;
 * - an encrypted key: its passphrase missing or wrong (exit 2), right, and never printed;
 * - --ssh with --url, and with a config file's targets (exit 2); nginx with "ssh" (exit 2).
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createManagerClient, deploy, getStatus } from '@tomcat-pd/core';
import { freePort } from '@tomcat-pd/testkit/free-port';
import { startHaproxy } from '@tomcat-pd/testkit/haproxy';
import { descendantsOf } from '@tomcat-pd/testkit/ssh-processes';
import { generateKeyPair } from '@tomcat-pd/testkit/ssh-keys';
import { buildLargeWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { collect, jsonOf, runCli, spawnCli } from './cli-helpers.js';
import {
  cliThroughSsh,
  errorOf,
  statusErrorOf,
  throughSsh,
  useFolder,
  useSshd,
  useTomcat,
  type ErrorDocument,
  type ThroughSsh,
} from './ssh-fault-fixture.js';

const run = promisify(execFile);
const MB = 1024 * 1024;

const tomcat = useTomcat();
const dir = useFolder();

/** `status --json` through SSH; `status` reads the Manager's list, the simplest request there is. */
const statusVia = (via: ThroughSsh, extra: readonly string[] = [], env: Record<string, string> = {}) =>
  cliThroughSsh(tomcat(), ['status', '--json', '--retries', '0', ...extra], via, { env });

/** The apps a working `status --json` lists. */
const appsOf = (result: Parameters<typeof jsonOf>[0]) =>
  jsonOf<{ apps: { path: string }[] }>(result).apps.map((app) => app.path);

describe('the connection drops in the middle of an upload', () => {
  const sshd = useSshd();

  it('reconciles through a new connection: nothing half deployed, 001 still serves (exit 4, E_CONNECT)', async () => {
    const t = tomcat();
    const client = createManagerClient({ url: t.managerUrl, user: t.user, password: t.password });
    await deploy(client, { path: '/cut', warFile: await buildTestWar(dir(), { label: 'cut' }) });
    const size = 64 * MB;
    const war = await buildLargeWar(dir(), size, 'cut-big');
    const knownHosts = await sshd().knownHostsFile();
    const loginsBefore = sshd().acceptedLogins();
    // Tomcat's Manager writes the upload to webapps/<name>.war as it reads it (ManagerServlet.uploadWar).
    const upload = join(t.catalinaBase, 'webapps', 'cut##002.war');
    const child = spawnCli(
      ...throughSsh(t, ['deploy', war, '--path', '/cut', '--json', '--verbose'], {
        sshd: sshd(),
        knownHosts,
      }),
    );
    const finished = collect(child, 60_000);
    await expect.poll(() => sizeOf(upload), { timeout: 30_000, interval: 5 }).toBeGreaterThan(4 * MB);
    // Freeze sshd's side of the connection, so that the upload cannot finish before the drop.
    const connection = descendantsOf(sshd().pid!);
    for (const pid of connection) process.kill(pid, 'SIGSTOP');
    const uploaded = sizeOf(upload);
    expect(await sshd().killConnections()).toBe(1);
    expect(uploaded).toBeLessThan(size);

    const result = await finished;
    const { error } = jsonOf<{ error: { code: string; targets: { error?: ErrorDocument }[] } }>(result, 4);
    expect(error.code).toBe('E_CONNECT');
    expect(error.targets[0]?.error?.hint).toMatch(
      /^Nothing of \/cut##002 was left on the server\. Version 001 of \/cut is live\./,
    );
    // The state was read again through a second connection, after the first one closed.
    expect(sshd().acceptedLogins()).toBeGreaterThanOrEqual(loginsBefore + 2);
    expect(result.stderr).toMatch(/connection closed[\s\S]*connecting \(key /);

    // Tomcat itself: 001 alone, running and serving; no trace of the upload.
    const versions = (await getStatus(client, { path: '/cut' })).apps[0]?.versions;
    expect(versions?.map((v) => [v.version, v.state])).toEqual([['001', 'running']]);
    // Tomcat removes a cut upload once its read fails (it may still be at it when the CLI is done).
    await expect.poll(() => existsSync(upload), { timeout: 5_000 }).toBe(false);
    expect(await new Visitor(t.baseUrl).get('/cut/')).toMatchObject({ label: 'cut', version: '001' });
  });
});

describe('sshd and the host refuse or are not there', () => {
  const sshd = useSshd();

  it('a key sshd does not authorize: exit 4, E_SSH, naming the key file and the user', async () => {
    const other = await generateKeyPair('ed25519', join(dir(), 'not-authorized'));
    const knownHosts = await sshd().knownHostsFile();
    const error = statusErrorOf(await statusVia({ sshd: sshd(), knownHosts, keyFile: other.file }), 4);
    expect(error.code).toBe('E_SSH');
    expect(error.message).toBe(
      `sshd at ${sshd().destination} refused the key ${other.file} for user ${sshd().user}.`,
    );
    expect(error.hint).toMatch(/authorized_keys/);
  });

  it('sshd not listening: exit 4, E_CONNECT, "cannot reach sshd", within seconds', async () => {
    const knownHosts = await sshd().knownHostsFile();
    const port = await freePort();
    const nowhere = { ...sshd(), destination: `${sshd().user}@127.0.0.1:${port}` };
    // With the default retries (a refused connection is retried, as any refused read).
    const started = performance.now();
    const result = await cliThroughSsh(tomcat(), ['status', '--json'], { sshd: nowhere, knownHosts });
    expect(performance.now() - started).toBeLessThan(10_000);
    const error = statusErrorOf(result, 4);
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toMatch(
      new RegExp(`^Cannot reach sshd at ${sshd().user}@127\\.0\\.0\\.1:${port}: connection refused`),
    );
  });

  it('nothing listening at the URL on the host: exit 4, E_CONNECT, the tunnel works but nothing answers', async () => {
    const knownHosts = await sshd().knownHostsFile();
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/manager`;
    const error = statusErrorOf(await statusVia({ sshd: sshd(), knownHosts, url }), 4);
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toContain(
      `The SSH connection to ${sshd().destination} works, but nothing answers at 127.0.0.1:${port} on that host`,
    );
  });
});

describe('forwarding refused by the server', () => {
  const sshd = useSshd({ allowTcpForwarding: false, allowStreamLocalForwarding: false });

  it('AllowTcpForwarding no: exit 4, E_SSH, the setting named', async () => {
    const knownHosts = await sshd().knownHostsFile();
    const error = statusErrorOf(await statusVia({ sshd: sshd(), knownHosts }), 4);
    expect(error.code).toBe('E_SSH');
    expect(error.message).toContain(
      `sshd at ${sshd().destination} refuses to forward to ${new URL(tomcat().baseUrl).host}: its AllowTcpForwarding is "no"`,
    );
    expect(error.hint).toMatch(/^Set AllowTcpForwarding yes/);
  });

  // OpenSSH answers this refusal as it answers a missing socket (reason "connect failed"), so
  // the error is E_CONNECT and names the setting among the causes.
  it('AllowStreamLocalForwarding no: lb status exits 4, E_CONNECT, the setting named', async () => {
    const t = tomcat();
    const haproxy = await startHaproxy({
      servers: [{ name: 'web1', port: Number(new URL(t.baseUrl).port) }],
    });
    try {
      const knownHosts = await sshd().knownHostsFile();
      await writeFile(
        join(dir(), 'tomcat-pd.json'),
        JSON.stringify({
          targets: [{ name: 'web1', url: t.managerUrl, user: t.user, passwordEnv: 'WEB1_PW' }],
          balancers: [
            {
              name: 'lb1',
              type: 'haproxy',
              socket: haproxy.adminSocket,
              backend: haproxy.backend,
              ssh: sshd().destination,
              sshKeyFile: sshd().clientKeyFile,
              sshKnownHosts: knownHosts,
            },
          ],
        }),
      );
      const result = await runCli(['lb', 'status', '--json'], {
        cwd: dir(),
        env: { WEB1_PW: t.password, SSH_AUTH_SOCK: undefined },
      });
      const { balancers } = jsonOf<{ balancers: { ok: boolean; error?: ErrorDocument }[] }>(result, 4);
      expect(balancers).toMatchObject([{ ok: false, error: { code: 'E_CONNECT' } }]);
      expect(balancers[0]?.error?.message).toContain(
        `the socket ${haproxy.adminSocket} on ${sshd().destination} cannot be opened (nothing listens there, ${sshd().user} may not open it, or sshd's AllowStreamLocalForwarding is "no")`,
      );
      expect(result.stderr).toContain(`AllowStreamLocalForwarding is "no"`);
    } finally {
      await haproxy.stop();
    }
  });
});

describe('host keys', () => {
  const sshd = useSshd();

  it('an unknown host: exit 4, E_SSH, its fingerprint as ssh-keygen prints it and a command that adds it', async () => {
    const file = join(dir(), 'known_hosts-unknown');
    for (const knownHosts of [file, await emptyFile(join(dir(), 'known_hosts-empty'))]) {
      const before = sshd().acceptedLogins();
      const error = statusErrorOf(await statusVia({ sshd: sshd(), knownHosts }), 4);
      expect(error.code).toBe('E_SSH');
      expect(error.message).toBe(
        `The host key of [127.0.0.1]:${sshd().port} is not in ${knownHosts}: it offers ${sshd().hostFingerprints[0]} (ssh-ed25519). Nothing was sent.`,
      );
      expect(sshd().acceptedLogins()).toBe(before);
      const add = /then add it: (ssh-keyscan .*)$/.exec(error.hint ?? '')?.[1];
      expect(error.hint).toContain('(there: ssh-keygen -l -f /etc/ssh/ssh_host_ed25519_key.pub)');
      expect(add).toBe(`ssh-keyscan -H -p ${sshd().port} -t ssh-ed25519 127.0.0.1 >> ${knownHosts}`);
      // The hint works: run it as printed, and the same command gets through.
      await run('/bin/sh', ['-c', add!]);
      expect(appsOf(await statusVia({ sshd: sshd(), knownHosts }))).toContain('/manager');
    }
  });

  it('a changed host key: exit 4, E_SSH, HAS CHANGED, no login (nothing sent)', async () => {
    const knownHosts = await sshd().knownHostsFile({ wrongKey: true });
    const before = sshd().acceptedLogins();
    const result = await statusVia({ sshd: sshd(), knownHosts });
    const error = statusErrorOf(result, 4);
    expect(error.code).toBe('E_SSH');
    expect(error.message).toMatch(/^THE HOST KEY OF \[127\.0\.0\.1\]:\d+ HAS CHANGED/);
    expect(error.message).toContain(sshd().hostFingerprints[0]);
    expect(result.stderr).toContain('HAS CHANGED');
    expect(sshd().acceptedLogins()).toBe(before);
  });

  it('a hashed known_hosts (|1|...): works', async () => {
    const knownHosts = await sshd().knownHostsFile({ hashed: true });
    expect(appsOf(await statusVia({ sshd: sshd(), knownHosts }))).toContain('/manager');
  });
});

describe('a host with an ed25519 and an RSA key, known by its RSA key only', () => {
  const sshd = useSshd({ hostKeyTypes: ['ed25519', 'rsa'] });

  it('works: the client asks for the known key type, not "changed"', async () => {
    const [, rsa] = sshd().hostPublicKeys;
    const knownHosts = join(dir(), 'known_hosts-rsa');
    await writeFile(knownHosts, `[127.0.0.1]:${sshd().port} ${rsa!.split(' ').slice(0, 2).join(' ')}\n`);
    const result = await statusVia({ sshd: sshd(), knownHosts }, ['--verbose']);
    expect(appsOf(result)).toContain('/manager');
    expect(result.stderr).toContain(`host key ${sshd().hostFingerprints[1]} (ssh-rsa): known`);
  });
});

describe('a key file with a passphrase', () => {
  const passphrase = 'sesame-2f8c1d';
  const sshd = useSshd({ clientKeyPassphrase: passphrase });

  it('without TOMCAT_PD_SSH_PASSPHRASE: exit 2, naming the key file', async () => {
    const knownHosts = await sshd().knownHostsFile();
    const error = statusErrorOf(await statusVia({ sshd: sshd(), knownHosts }), 2);
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toBe(
      `The SSH key file ${sshd().clientKeyFile} is not a private key that can be read without a passphrase.`,
    );
  });

  it('a wrong passphrase: exit 2, and the wrong one is not printed either', async () => {
    const knownHosts = await sshd().knownHostsFile();
    const wrong = 'not-the-one-93a1';
    const result = await statusVia({ sshd: sshd(), knownHosts }, ['--verbose'], {
      TOMCAT_PD_SSH_PASSPHRASE: wrong,
    });
    const error = statusErrorOf(result, 2);
    expect(error.message).toBe(
      `The SSH key file ${sshd().clientKeyFile} is not a private key that can be read with the passphrase given.`,
    );
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it('the right one: works, and appears in no output, --verbose included', async () => {
    const knownHosts = await sshd().knownHostsFile();
    const result = await statusVia({ sshd: sshd(), knownHosts }, ['--verbose'], {
      TOMCAT_PD_SSH_PASSPHRASE: passphrase,
    });
    expect(appsOf(result)).toContain('/manager');
    expect(result.stderr).toContain(`connecting (key ${sshd().clientKeyFile}`);
    expect(result.stdout + result.stderr).not.toContain(passphrase);
  });
});

describe('--ssh and the config file', () => {
  const sshd = useSshd();

  it('--ssh with --url and no config file: works', async () => {
    const knownHosts = await sshd().knownHostsFile();
    expect(appsOf(await statusVia({ sshd: sshd(), knownHosts }))).toContain('/manager');
  });

  it('--ssh with a config file of targets: exit 2 (each target names its own "ssh")', async () => {
    const t = tomcat();
    const config = join(dir(), 'targets.json');
    await writeFile(config, JSON.stringify({ targets: [{ name: 'web1', url: t.managerUrl, user: t.user }] }));
    const result = await runCli(['status', '--json', '--config', config, '--ssh', sshd().destination], {
      env: { TOMCAT_PD_PASSWORD: t.password },
    });
    expect(errorOf(result, 2)).toMatchObject({
      code: 'E_USAGE',
      message: '--ssh goes with --url: the config file gives each target its own "ssh".',
    });
  });

  it('an nginx balancer with "ssh": exit 2, nginx is driven on this machine', async () => {
    const t = tomcat();
    const config = join(dir(), 'nginx.json');
    await writeFile(
      config,
      JSON.stringify({
        targets: [{ name: 'web1', url: t.managerUrl, user: t.user }],
        balancers: [
          {
            name: 'edge',
            type: 'nginx',
            file: join(dir(), 'upstream.conf'),
            url: 'http://127.0.0.1:1',
            test: ['nginx', '-t'],
            reload: ['nginx', '-s', 'reload'],
            servers: { web1: '127.0.0.1:8080' },
            ssh: sshd().destination,
          },
        ],
      }),
    );
    const result = await runCli(['lb', 'status', '--json', '--config', config], {
      env: { TOMCAT_PD_PASSWORD: t.password },
    });
    expect(errorOf(result, 2)).toMatchObject({ code: 'E_USAGE' });
    expect(errorOf(result, 2).message).toContain(
      'nginx has no API to reach through SSH: tomcat-pd rewrites its file and reloads it on this machine.',
    );
  });
});

/** The size of a file, 0 while it does not exist. */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

async function emptyFile(file: string): Promise<string> {
  await writeFile(file, '');
  return file;
}
