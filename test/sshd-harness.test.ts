import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI_BIN } from '@tomcat-pd/testkit/cli-bin';
import { freePort } from '@tomcat-pd/testkit/free-port';
import { startSshOnlyNamespace, type SshOnlyNamespace } from '@tomcat-pd/testkit/ssh-namespace';
import { startSshd, type SshdInstance } from '@tomcat-pd/testkit/sshd';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from './cli-helpers.js';

/** OpenSSH's own client: what proves the harness's server, keys and known_hosts files right. */
const SSH = '/usr/bin/ssh';
const run = promisify(execFile);

/** The client's options: no user or system configuration, no agent, no prompt, the host checked strictly. */
function sshArgs(sshd: SshdInstance, knownHosts: string): string[] {
  return [
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${knownHosts}`,
    '-o',
    'IdentitiesOnly=yes',
    '-o',
    'IdentityAgent=none',
    '-i',
    sshd.clientKeyFile,
    '-p',
    String(sshd.port),
    `${sshd.user}@${sshd.host}`,
  ];
}

/** Runs `ssh ... <command>` to its end: its exit code and output. */
async function ssh(sshd: SshdInstance, knownHosts: string, command: string) {
  return run(SSH, [...sshArgs(sshd, knownHosts), command]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** A port (or UNIX socket) of the host that greets each connection with `hello` and closes it. */
async function greeter(where: { port: number } | { path: string }): Promise<Server> {
  const server = createServer((socket) => socket.end('hello\n'));
  server.listen({ host: '127.0.0.1', ...where });
  await once(server, 'listening');
  return server;
}

/** What a connection to 127.0.0.1:`port` reads before it closes, or `error <code>`. */
function readFrom(port: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(`error ${error.code}`));
    socket.once('end', () => resolve(text));
  });
}

/**
 * `ssh -N -L 127.0.0.1:<local>:<remote>`, then one connection to the local port: what came back
 * through the tunnel (sshd refusing the channel closes the connection empty), and ssh's stderr.
 */
async function throughLocalForward(sshd: SshdInstance, knownHosts: string, remote: string) {
  const local = await freePort();
  const child = spawn(SSH, [...sshArgs(sshd, knownHosts), '-N', '-L', `127.0.0.1:${local}:${remote}`]);
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const closed = once(child, 'close');
  try {
    for (let tries = 0; ; tries++) {
      const received = await readFrom(local);
      if (received !== 'error ECONNREFUSED' || tries > 200) return { received, stderr };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill();
    await closed;
  }
}

describe('startSshd: a real OpenSSH server, in the foreground on 127.0.0.1', () => {
  let sshd: SshdInstance;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  it('lets the client key in, the host checked by OpenSSH against its known_hosts file, plain and hashed', async () => {
    expect(sshd.destination).toBe(`${sshd.user}@127.0.0.1:${sshd.port}`);
    expect(sshd.clientPublicKey).toMatch(/^ssh-ed25519 \S+ /);
    expect(sshd.hostFingerprints).toEqual([expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/)]);
    const before = sshd.acceptedLogins();
    const plain = await sshd.knownHostsFile();
    expect(await readFile(plain, 'utf8')).toBe(
      `[127.0.0.1]:${sshd.port} ${sshd.hostPublicKeys[0]!.split(' ').slice(0, 2).join(' ')}\n`,
    );
    expect(await ssh(sshd, plain, 'true')).toMatchObject({ code: 0 });
    const hashed = await sshd.knownHostsFile({ hashed: true });
    const hashedText = await readFile(hashed, 'utf8');
    expect(hashedText).toMatch(/^\|1\|[^|]+\|[^ ]+ ssh-ed25519 /);
    expect(hashedText).not.toContain('127.0.0.1');
    expect(await ssh(sshd, hashed, 'echo "$USER"')).toMatchObject({ code: 0, stdout: `${sshd.user}\n` });
    expect(sshd.acceptedLogins()).toBe(before + 2);
    expect(sshd.logText()).toContain(`Accepted publickey for ${sshd.user} from 127.0.0.1`);
  });

  it('is refused by the client when known_hosts pins another key (a changed host key)', async () => {
    const before = sshd.acceptedLogins();
    const result = await ssh(sshd, await sshd.knownHostsFile({ wrongKey: true }), 'true');
    expect(result.code).toBe(255);
    expect(result.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(result.stderr).toContain(sshd.hostFingerprints[0]);
    expect(sshd.acceptedLogins()).toBe(before);
  });

  it('forwards to a TCP port and to a UNIX socket of the host by default', async () => {
    const knownHosts = await sshd.knownHostsFile();
    const tcp = await greeter({ port: await freePort() });
    const path = join(sshd.dir, 'greeter.sock');
    const unix = await greeter({ path });
    try {
      const { port } = tcp.address() as { port: number };
      expect(await throughLocalForward(sshd, knownHosts, `127.0.0.1:${port}`)).toMatchObject({
        received: 'hello\n',
      });
      expect(await throughLocalForward(sshd, knownHosts, path)).toMatchObject({ received: 'hello\n' });
    } finally {
      tcp.close();
      unix.close();
    }
  });

  it('killConnections drops an open connection mid-command while the listener keeps accepting', async () => {
    const knownHosts = await sshd.knownHostsFile();
    expect(sshd.connectionPids()).toEqual([]);
    const child = spawn(SSH, [...sshArgs(sshd, knownHosts), 'echo started; sleep 30']);
    const closed = once(child, 'close');
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    await expect.poll(() => stdout, { timeout: 10_000 }).toBe('started\n');
    expect(sshd.connectionPids()).toHaveLength(1);
    const killedAt = Date.now();
    expect(await sshd.killConnections()).toBe(1);
    const [code] = (await closed) as [number | null];
    expect(code).toBe(255);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(sshd.connectionPids()).toEqual([]);
    expect(await ssh(sshd, knownHosts, 'true')).toMatchObject({ code: 0 });
  });
});

it('startSshd refuses host key types that are none or repeated (sshd would fall back on the system keys)', async () => {
  await expect(startSshd({ hostKeyTypes: [] })).rejects.toThrow('hostKeyTypes must name each key type once');
  await expect(startSshd({ hostKeyTypes: ['rsa', 'rsa'] })).rejects.toThrow(
    'hostKeyTypes must name each key type once',
  );
});

describe('startSshd with forwarding off', () => {
  let sshd: SshdInstance;
  let tcp: Server;
  beforeAll(async () => {
    sshd = await startSshd({ allowTcpForwarding: false, allowStreamLocalForwarding: false });
    tcp = await greeter({ port: await freePort() });
  });
  afterAll(async () => {
    tcp?.close();
    await sshd?.stop();
  });

  it('refuses the channels of `ssh -L` to a TCP port and to a UNIX socket, and still lets the key in', async () => {
    const knownHosts = await sshd.knownHostsFile();
    const path = join(sshd.dir, 'greeter.sock');
    const unix = await greeter({ path });
    try {
      const { port } = tcp.address() as { port: number };
      const refusals = [
        [
          `127.0.0.1:${port}`,
          `refused local port forward: originator 127.0.0.1 port \\d+, target 127.0.0.1 port ${port}`,
        ],
        [path, `refused streamlocal port forward: originator 127.0.0.1 port \\d+, target ${path}`],
      ] as const;
      for (const [remote, logged] of refusals) {
        const { received, stderr } = await throughLocalForward(sshd, knownHosts, remote);
        expect(received).toBe('');
        expect(stderr).toMatch(/^channel \d+: open failed: /);
        expect(sshd.logText()).toMatch(new RegExp(logged));
      }
      expect(await ssh(sshd, knownHosts, 'true')).toMatchObject({ code: 0 });
    } finally {
      unix.close();
    }
  });
});

describe('startSshd with three host key types and a passphrase on the client key', () => {
  let sshd: SshdInstance;
  beforeAll(async () => {
    sshd = await startSshd({ hostKeyTypes: ['ed25519', 'ecdsa', 'rsa'], clientKeyPassphrase: 'open sesame' });
  });
  afterAll(() => sshd?.stop());

  it('offers each host key, fingerprinted as ssh-keygen does', async () => {
    expect(sshd.hostPublicKeys.map((key) => key.split(' ')[0])).toEqual([
      'ssh-ed25519',
      'ecdsa-sha2-nistp256',
      'ssh-rsa',
    ]);
    const { stdout } = await run('/usr/bin/ssh-keyscan', ['-p', String(sshd.port), '127.0.0.1']);
    const offered = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ').slice(1).join(' '));
    const own = sshd.hostPublicKeys.map((key) => key.split(' ').slice(0, 2).join(' '));
    expect(offered.sort()).toEqual([...own].sort());
    expect(new Set(sshd.hostFingerprints).size).toBe(3);
  });

  it('encrypts the client key with the passphrase', async () => {
    const withoutIt = run('/usr/bin/ssh-keygen', ['-y', '-P', '', '-f', sshd.clientKeyFile]);
    await expect(withoutIt).rejects.toMatchObject({
      stderr: expect.stringContaining('incorrect passphrase'),
    });
    const { stdout } = await run('/usr/bin/ssh-keygen', [
      '-y',
      '-P',
      'open sesame',
      '-f',
      sshd.clientKeyFile,
    ]);
    expect(stdout.trim()).toBe(sshd.clientPublicKey);
  });
});

describe('startSshOnlyNamespace: only sshd is reachable', () => {
  let sshd: SshdInstance;
  let ns: SshOnlyNamespace;
  let other: Server;
  let otherPort: number;
  beforeAll(async () => {
    sshd = await startSshd();
    ns = await startSshOnlyNamespace(sshd);
    otherPort = await freePort();
    other = await greeter({ port: otherPort });
  });
  afterAll(async () => {
    other?.close();
    await ns?.stop();
    await sshd?.stop();
  });

  /** Inside the namespace: what `readFrom(port)` gives there (the same probe as above, as a script). */
  const probe = `const s = require('net').connect(Number(process.argv[1]), '127.0.0.1'); let t = '';
s.on('data', (d) => { t += d; s.destroy(); console.log(t.split('\\r\\n')[0]); });
s.on('error', (e) => console.log('error ' + e.code));`;

  it('reaches sshd on its port number, and no other port of the host', async () => {
    expect(await readFrom(otherPort)).toBe('hello\n');
    const toSshd = await ns.run(process.execPath, ['-e', probe, String(sshd.port)]);
    expect(toSshd).toEqual({
      exitCode: 0,
      stdout: expect.stringMatching(/^SSH-2\.0-OpenSSH_.*\n$/),
      stderr: '',
    });
    const toOther = await ns.run(process.execPath, ['-e', probe, String(otherPort)]);
    expect(toOther).toEqual({ exitCode: 0, stdout: 'error ECONNREFUSED\n', stderr: '' });
  });

  it('runs the tomcat-pd CLI, which cannot reach an HTTP server of the host (E_CONNECT there, not here)', async () => {
    const server = createHttpServer((_request, response) => response.writeHead(404).end());
    server.listen(await freePort(), '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as { port: number };
      const args = [
        'status',
        '--json',
        '--retries',
        '0',
        '--url',
        `http://127.0.0.1:${port}/manager`,
        '--user',
        'u',
      ];
      const errorCodesOf = (stdout: string) =>
        (JSON.parse(stdout) as { errors: { error: { code: string } }[] }).errors.map(
          ({ error }) => error.code,
        );
      const env = { TOMCAT_PD_PASSWORD: 'pw' };
      const inside = await ns.run(process.execPath, [CLI_BIN, ...args], { env: cleanEnv(env) });
      expect(inside.exitCode).toBe(4);
      expect(errorCodesOf(inside.stdout)).toEqual(['E_CONNECT']);
      // On the host the server answers (a 404, no Manager there): the namespace made the difference.
      const outside = await runCli(args, { env });
      expect(errorCodesOf(outside.stdout)).toEqual(['E_NOT_MANAGER']);
    } finally {
      server.close();
    }
  });

  it('carries a whole SSH session, and a tunnel from it to the other port', async () => {
    const knownHosts = await sshd.knownHostsFile({ hashed: true });
    const inside = await ns.run(SSH, [...sshArgs(sshd, knownHosts), '-W', `127.0.0.1:${otherPort}`]);
    expect(inside).toMatchObject({ exitCode: 0, stdout: 'hello\n' });
  });
});
