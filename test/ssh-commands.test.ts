import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBalancer } from '@tomcat-pd/core/balancers';
import { createManagerClient, getStatus, type ManagerClient } from '@tomcat-pd/core';
import type { HaproxyInstance } from '@tomcat-pd/testkit/haproxy';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import {
  collect,
  expectExit,
  jsonOf,
  runCli,
  spawnCli,
  waitForOutput,
  type CliResult,
} from './cli-helpers.js';
import { startRestarter, type Restarter } from './restarter.js';
import { startHaproxyInFront, startRoutedTomcats, type RoutedTomcats } from './routed-tomcats.js';
import {
  passwordsOf,
  startSshStand,
  tunnelledTarget,
  type SshAccess,
  type SshStand,
  type TunnelledTomcat,
} from './ssh-fixture.js';

// Every command of tomcat-pd through a real SSH tunnel (issue 22): a real OpenSSH server in front
// of real Tomcats whose Managers keep their localhost-only valve and of a real HAProxy whose
// admin socket is a UNIX socket. The commands that change something run in a network namespace
// where only sshd's port is reachable, so what they reach they reach through SSH; what they did
// is read directly from this process.

/** This machine's first non-loopback IPv4 address (`hostname -I`): the Manager's default valve refuses it. */
function outsideAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;
  if (address === undefined)
    throw new Error('This machine has no non-loopback IPv4 address to test the valve from');
  return address;
}

let stand: SshStand;
/** A Tomcat on every address: the Manager answers 127.0.0.1 and refuses {@link outsideAddress}. */
let single: LocalTomcatInstance;
/** web1 and web2 behind HAProxy, `/rs` on both. */
let fleet: RoutedTomcats;
let haproxy: HaproxyInstance;

beforeAll(async () => {
  [stand, single, fleet] = await Promise.all([
    startSshStand(),
    startLocalTomcat({ address: '0.0.0.0' }),
    startRoutedTomcats({ path: '/rs' }),
  ]);
  haproxy = await startHaproxyInFront(fleet);
});

afterAll(async () => {
  await haproxy?.stop();
  await Promise.all([stand?.stop(), single?.stop(), fleet?.stop()]);
});

const clientOf = (tomcat: TunnelledTomcat): ManagerClient =>
  createManagerClient({ url: tomcat.managerUrl, user: tomcat.user, password: tomcat.password });

/** `['001 live', '002 draining']`: the versions of `path` as Tomcat lists them, read directly. */
async function versionsOf(tomcat: TunnelledTomcat, path: string): Promise<string[]> {
  const status = await getStatus(clientOf(tomcat), { path });
  return (status.apps[0]?.versions ?? []).map((version) => `${version.version} ${version.role}`);
}

interface StatusDocument {
  apps: { target?: string; path: string; versions: { version: string; role: string }[] }[];
  errors: { target: string; error: { code: string } }[];
}

describe('deploy, status, rollback, drain and undeploy reach a Tomcat only through SSH', () => {
  const path = '/tun';
  const env = () => passwordsOf([['web1', single]]);
  const inside = (args: readonly string[]) => stand.inside(args, env());

  beforeAll(() => stand.writeConfig({ targets: [tunnelledTarget('web1', single, stand.access)] }));

  it('the Manager refuses a direct request from this machine (403) and the namespace reaches none', async () => {
    const list = `http://${outsideAddress()}:${new URL(single.baseUrl).port}/manager/text/list`;
    const auth = `Basic ${Buffer.from(`${single.user}:${single.password}`).toString('base64')}`;
    const outside = await fetch(list, { headers: { authorization: auth } });
    expect(outside.status).toBe(403);
    // The same request from 127.0.0.1 passes the valve: the 403 is the address's.
    const local = await fetch(`${single.managerUrl}/text/list`, { headers: { authorization: auth } });
    expect(local.status).toBe(200);
    // Without `ssh`, the CLI in the namespace cannot reach Tomcat at all.
    const args = ['status', '--json', '--retries', '0', '--url', single.managerUrl, '--user', single.user];
    const direct = await stand.inside(args, { TOMCAT_PD_PASSWORD: single.password });
    expect(jsonOf<StatusDocument>(direct, 4).errors.map((e) => e.error.code)).toEqual(['E_CONNECT']);
  });

  it('status --json reads the Manager through the tunnel', async () => {
    const document = jsonOf<StatusDocument>(await inside(['status', '--json']));
    expect(document.errors).toEqual([]);
    expect(document.apps.map((app) => [app.target, app.path])).toEqual([['web1', '/manager']]);
  });

  it('deploy uploads a WAR through the tunnel: two versions, the newer one live', async () => {
    for (const label of ['one', 'two']) {
      const war = await buildTestWar(stand.dir, { label, fileName: `tun-${label}.war` });
      expectExit(await inside(['deploy', war, '--path', path]), 0);
    }
    expect(await versionsOf(single, path)).toEqual(['001 drained', '002 live']);
  });

  it('rollback removes the newest version through the tunnel: the older one is live again', async () => {
    expectExit(await inside(['rollback', '--path', path]), 0);
    expect(await versionsOf(single, path)).toEqual(['001 live']);
  });

  it('drain undeploys the old version without sessions once a new one is live', async () => {
    const war = await buildTestWar(stand.dir, { label: 'three', fileName: 'tun-three.war' });
    expectExit(await inside(['deploy', war, '--path', path]), 0);
    const [old, live] = await versionsOf(single, path);
    expect(old).toMatch(/ drained$/);
    expect(live).toMatch(/ live$/);
    expectExit(await inside(['drain', '--path', path, '--grace', '0']), 0);
    expect(await versionsOf(single, path)).toEqual([live]);
    expect(await (await fetch(`${single.baseUrl}${path}/`)).text()).toContain('label=three');
  });

  it('undeploy --force removes the live version through the tunnel', async () => {
    const [live] = await versionsOf(single, path);
    const version = live!.split(' ')[0]!;
    expectExit(await inside(['undeploy', '--path', path, '--version', version, '--force']), 0);
    expect(await versionsOf(single, path)).toEqual([]);
  });
});

interface LbStatusDocument {
  balancers: {
    balancer: string;
    ok: boolean;
    error?: { code: string; message: string };
    members: { name: string; admin: string; target: string }[];
  }[];
}

describe('lb and restart --exec-on-target: HAProxy and two Tomcats reached only through SSH', () => {
  let restarter: Restarter;
  /** What each command run on the host recorded: its variables, one line per run. */
  let ranLog: string;
  const env = () => passwordsOf(fleet.tomcats.map((tomcat, index) => [`web${index + 1}`, tomcat] as const));
  const targets = () =>
    fleet.tomcats.map((tomcat, index) => tunnelledTarget(`web${index + 1}`, tomcat, stand.access));
  /** HAProxy's entry as seen from this machine; with `...stand.access`, as seen from sshd's host. */
  const balancer = () =>
    ({ name: 'lb1', type: 'haproxy', socket: haproxy.adminSocket, backend: 'tomcats' }) as const;
  /** In the namespace, HAProxy's folder hidden: its admin socket is reached through SSH or not at all. */
  const inside = (args: readonly string[]) => stand.inside(args, env(), [haproxy.dir]);
  /** Lets a target's visitors go with the roll: a session an earlier test left does not hold it. */
  const PROCEED = ['--max-drain', '1s', '--on-max-drain', 'proceed'];

  /** HAProxy's admin state of each server, read from its admin socket by this process. */
  async function states(): Promise<Record<string, string>> {
    const reading = await createBalancer(balancer()).read();
    return Object.fromEntries(reading.members.map((member) => [member.name, member.admin]));
  }

  beforeAll(async () => {
    restarter = await startRestarter(fleet.tomcats);
    ranLog = join(stand.dir, 'ran.log');
    await stand.writeConfig({
      targets: targets(),
      balancers: [{ ...balancer(), ...stand.access }],
    });
  });
  afterAll(() => restarter?.close());

  it('the CLI in the namespace cannot reach the admin socket itself', async () => {
    const direct = join(stand.dir, 'direct.json');
    await writeFile(direct, JSON.stringify({ targets: targets(), balancers: [balancer()] }));
    const document = jsonOf<LbStatusDocument>(
      await inside(['--config', direct, 'lb', 'status', '--json']),
      4,
    );
    expect(document.balancers.map((b) => [b.balancer, b.ok, b.error?.code])).toEqual([
      ['lb1', false, 'E_CONNECT'],
    ]);
    expect(document.balancers[0]!.error!.message).toContain('no such socket');
  });

  it('lb status reads the admin socket through stream-local forwarding', async () => {
    const document = jsonOf<LbStatusDocument>(await inside(['lb', 'status', '--json']));
    expect(document.balancers.map((b) => [b.balancer, b.ok])).toEqual([['lb1', true]]);
    expect(document.balancers[0]!.members.map((m) => [m.name, m.target, m.admin])).toEqual([
      ['web1', 'web1', 'ready'],
      ['web2', 'web2', 'ready'],
    ]);
  });

  it('lb drain web1, then lb ready web1, change HAProxy itself', async () => {
    expectExit(await inside(['lb', 'drain', 'web1']), 0);
    expect(await states()).toEqual({ web1: 'drain', web2: 'ready' });
    expectExit(await inside(['lb', 'ready', 'web1']), 0);
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
  });

  it('restart --exec-on-target runs the command on the host once per target, with its variables, its output prefixed', async () => {
    await rm(ranLog, { force: true });
    const pids = fleet.tomcats.map((tomcat) => tomcat.pid);
    const command =
      `echo "$TOMCAT_PD_TARGET $TOMCAT_PD_MANAGER_URL $TOMCAT_PD_APP_URL" >> ${ranLog}; ` +
      `curl -sf ${restarter.url}/restart/$TOMCAT_PD_TARGET`;
    const result = expectExit(
      await inside(['restart', '--exec-on-target', command, '--start-timeout', '40s', ...PROCEED]),
      0,
    );
    expect(restarter.asked).toEqual(['web1', 'web2']);
    expect((await readFile(ranLog, 'utf8')).trim().split('\n')).toEqual(
      fleet.tomcats.map(
        (tomcat, index) => `web${index + 1} ${tomcat.managerUrl} ${new URL(tomcat.managerUrl).origin}`,
      ),
    );
    expect(result.stderr).toContain('web1| restarted web1');
    expect(result.stderr).toContain('web2| restarted web2');
    expect(fleet.tomcats.map((tomcat) => tomcat.pid)).not.toContain(pids[0]);
    expect(fleet.tomcats[1]!.pid).not.toBe(pids[1]);
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
  });

  it('a command that fails on the host: exit 1, the target left in maint, the other untouched', async () => {
    const pid = fleet.tomcats[1]!.pid;
    const result = expectExit(
      await inside([
        'restart',
        '--exec-on-target',
        'echo "no luck on $TOMCAT_PD_TARGET" >&2; exit 3',
        ...PROCEED,
      ]),
      1,
    );
    expect(result.stderr).toContain('web1| no luck on web1');
    expect(result.stderr).toContain('Failed restarting web1 at step exec: The command exited with 3.');
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
    expect(fleet.tomcats[1]!.pid).toBe(pid);
    expectExit(await inside(['lb', 'ready', 'web1']), 0);
    expect(await states()).toEqual({ web1: 'ready', web2: 'ready' });
  });

  it('--exec-timeout kills the command on the host: exit 1, the target left in maint', async () => {
    const pidFile = join(stand.dir, 'sleeper.pid');
    const started = Date.now();
    const result = expectExit(
      await inside([
        'restart',
        '--exec-on-target',
        `echo $$ > ${pidFile}; exec sleep 60`,
        '--exec-timeout',
        '2s',
        ...PROCEED,
      ]),
      1,
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(result.stderr).toContain('Failed restarting web1 at step exec: The command ran longer than');
    expect(result.stderr).toContain('and was killed');
    expect(await states()).toEqual({ web1: 'maint', web2: 'ready' });
    const pid = Number(await readFile(pidFile, 'utf8'));
    await expect.poll(() => isRunning(pid), { timeout: 5_000 }).toBe(false);
    expectExit(await inside(['lb', 'ready', 'web1']), 0);
  });
});

/** Whether a process of this machine runs with that pid (a zombie, killed and not yet reaped, does not). */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return stat !== '' && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

describe('status of 8 tunnelled targets: one SSH handshake per host', () => {
  let second: SshStand;
  /** web1..web8: four names for each of the fleet's two Tomcats. */
  const targets = () =>
    Array.from({ length: 8 }, (_, index) => [`web${index + 1}`, fleet.tomcats[index % 2]!] as const);
  const status = () =>
    runCli(['status', '--json', '--retries', '0'], { cwd: stand.dir, env: passwordsOf(targets()) });

  beforeAll(async () => {
    second = await startSshStand();
  });
  afterAll(() => second?.stop());

  it('8 targets through one sshd: one login for the whole command', async () => {
    await stand.writeConfig({
      targets: targets().map(([name, tomcat]) => tunnelledTarget(name, tomcat, stand.access)),
    });
    const before = stand.sshd.acceptedLogins();
    const document = jsonOf<StatusDocument>(await status());
    expect(document.errors).toEqual([]);
    expect(new Set(document.apps.map((app) => app.target))).toEqual(new Set(targets().map(([name]) => name)));
    expect(stand.sshd.acceptedLogins()).toBe(before + 1);
  });

  it('half of them through a second sshd: one login on each', async () => {
    const accessOf = (index: number): SshAccess => (index < 4 ? stand.access : second.access);
    await stand.writeConfig({
      targets: targets().map(([name, tomcat], index) => tunnelledTarget(name, tomcat, accessOf(index))),
    });
    const before = [stand.sshd.acceptedLogins(), second.sshd.acceptedLogins()];
    const document = jsonOf<StatusDocument>(await status());
    expect(document.errors).toEqual([]);
    expect(new Set(document.apps.map((app) => app.target)).size).toBe(8);
    expect([stand.sshd.acceptedLogins(), second.sshd.acceptedLogins()]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
  });
});

describe('--verbose through SSH with an encrypted key', () => {
  const PASSPHRASE = 'correct horse battery staple';
  let locked: SshStand;
  const env = () => ({ ...passwordsOf([['web1', single]]), TOMCAT_PD_SSH_PASSPHRASE: PASSPHRASE });

  beforeAll(async () => {
    locked = await startSshStand({ clientKeyPassphrase: PASSPHRASE });
    await locked.writeConfig({ targets: [tunnelledTarget('web1', single, locked.access)] });
  });
  afterAll(() => locked?.stop());

  it('logs the tunnel and the host key fingerprint, never the passphrase, the password or the key', async () => {
    const result = await locked.inside(['--verbose', 'status', '--json'], env());
    expect(jsonOf<StatusDocument>(result).errors).toEqual([]);
    const said = result.stdout + result.stderr;
    const { port } = new URL(single.managerUrl);
    expect(result.stderr).toContain(
      `ssh ${locked.sshd.destination}: connecting (key ${locked.access.sshKeyFile}`,
    );
    expect(result.stderr).toContain(`host key ${locked.sshd.hostFingerprints[0]} (ssh-ed25519): known`);
    expect(result.stderr).toContain(`channel to 127.0.0.1:${port}`);
    expect(said).not.toContain(PASSPHRASE);
    expect(said).not.toContain(single.password);
    expect(said).not.toContain(Buffer.from(`${single.user}:${single.password}`).toString('base64'));
    expect(said).not.toContain('PRIVATE KEY');
    const keyLines = (await readFile(locked.access.sshKeyFile, 'utf8'))
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(2);
    for (const line of keyLines) expect(said).not.toContain(line);
  });

  it('without the passphrase the key cannot be read: a usage error (exit 2) before any login', async () => {
    const before = locked.sshd.acceptedLogins();
    const result = expectExit(
      await locked.inside(['status', '--json'], { ...env(), TOMCAT_PD_SSH_PASSPHRASE: undefined }),
      2,
    );
    expect(result.stderr).toContain(`The SSH key file ${locked.access.sshKeyFile} is not a private key`);
    expect(locked.sshd.acceptedLogins()).toBe(before);
  });
});

describe('serve keeps its SSH connection and reconnects when it drops', () => {
  let serve: ChildProcessWithoutNullStreams | undefined;
  let served: Promise<CliResult>;
  let url: string;

  interface ServeDocument {
    targets: { target: string; state: string; readAt?: string }[];
  }
  const web1 = async () => {
    const document = (await (await fetch(new URL('api/status', url))).json()) as ServeDocument;
    return document.targets.find((target) => target.target === 'web1');
  };
  /** Resolves once serve read web1 as up after `since` (ms since the epoch). */
  const upAfter = (since: number) =>
    expect
      .poll(
        async () => {
          const read = await web1();
          return read?.state === 'up' && Date.parse(read.readAt ?? '') > since;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(true);

  beforeAll(async () => {
    await stand.writeConfig({ targets: [tunnelledTarget('web1', single, stand.access)] });
  });
  afterAll(() => {
    if (serve?.exitCode === null) serve.kill('SIGKILL');
  });

  it('one login for many reads; after killConnections the next read logs in again, once', async () => {
    const before = stand.sshd.acceptedLogins();
    serve = spawnCli(['--retries', '0', 'serve', '--listen', '127.0.0.1:0', '--interval', '1s'], {
      cwd: stand.dir,
      env: passwordsOf([['web1', single]]),
    });
    served = collect(serve, 60_000, ['serve']);
    url = /Serving (http:\S+)/.exec(await waitForOutput(serve, /Serving http:\S+\n/))?.[1] ?? '';
    await upAfter(Date.now());
    // Three more reads, each of them a request through the tunnel, on the same connection.
    await upAfter(Date.now() + 2_000);
    expect(stand.sshd.acceptedLogins()).toBe(before + 1);
    expect(stand.sshd.connectionPids()).toHaveLength(1);

    expect(await stand.sshd.killConnections()).toBe(1);
    await upAfter(Date.now());
    await upAfter(Date.now() + 2_000);
    expect(stand.sshd.acceptedLogins()).toBe(before + 2);
    expect(stand.sshd.connectionPids()).toHaveLength(1);

    serve.kill('SIGTERM');
    expect((await served).code).toBe(0);
  });
});
