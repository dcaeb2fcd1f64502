/**
 * Issue 22's figures, through a real OpenSSH server (the test harness's sshd) in front of one
 * local Tomcat whose Manager keeps its localhost-only valve:
 * - a big deploy, `tomcat-pd --config FILE deploy WAR --path /tpd` of a target with `ssh` (every
 *   default, a new process each run: its SSH handshake is in its time), against `curl -T` of the
 *   same WAR through OpenSSH's own tunnel (`ssh -N -L`, opened once before the runs, its forward
 *   ready), interleaved, both in a terminal, as deploy.ts runs them; the ssh client's CPU counts
 *   as curl's;
 * - `status` of 8 targets on that one host through SSH, the handshakes it makes counted in
 *   sshd's log, against `status` of the same 8 targets reached directly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { freePort } from '@tomcat-pd/testkit/free-port';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { startSshd, type SshdInstance } from '@tomcat-pd/testkit/sshd';
import { buildLargeWar } from '@tomcat-pd/testkit/test-war';
import { deployRow, deployVariant, wallTimes } from './deploy.js';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { curlDeploy, writeCurlConfig } from './lib/curl.js';
import { runInterleaved } from './lib/interleave.js';
import type { Benchmark } from './lib/record.js';
import { pairedRatios, round, spread, summarize } from './lib/stats.js';
import { withTempDir } from './lib/temp-dir.js';
import { startTomcats, stopTomcats, writeTargetsConfig, type ManagerTarget } from './lib/tomcats.js';

const CURL = 'curl -T through ssh -N -L';
const TOMCAT_PD = 'tomcat-pd deploy through ssh';
const STATUS_TARGETS = 8;
const STATUS_SSH = `status, ${STATUS_TARGETS} targets through ssh`;
const STATUS_DIRECT = `status, the same ${STATUS_TARGETS} targets direct`;
const FORWARD_READY_MS = 10_000;

/** OpenSSH's client with a local forward, running in the background. */
interface OpenSshForward {
  /** The local port that leads to the remote one. */
  readonly port: number;
  readonly pid: number;
  /** The cipher OpenSSH's client negotiated (client to server), from its `-v` log. */
  readonly cipher: string | undefined;
  close(): Promise<void>;
}

/**
 * `ssh -N -L 127.0.0.1:<free>:127.0.0.1:<remotePort>` to the harness's sshd with its client key,
 * no user configuration, no agent, the host key checked; resolves once a connection to the local
 * port is accepted (ssh listens there only after it has logged in).
 */
async function openSshForward(
  sshd: SshdInstance,
  knownHosts: string,
  remotePort: number,
): Promise<OpenSshForward> {
  const port = await freePort();
  const child = spawn(
    'ssh',
    [
      ...['-v', '-N', '-F', '/dev/null', '-i', sshd.clientKeyFile, '-p', String(sshd.port)],
      ...['-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'StrictHostKeyChecking=yes'],
      ...['-o', 'BatchMode=yes', '-o', 'IdentitiesOnly=yes', '-o', 'ExitOnForwardFailure=yes'],
      ...['-L', `127.0.0.1:${port}:127.0.0.1:${remotePort}`, `${sshd.user}@${sshd.host}`],
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const close = () => stopChild(child);
  try {
    await forwardReady(port, child, () => log);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    port,
    pid: child.pid!,
    cipher: /kex: client->server cipher: (\S+)/.exec(log)?.[1],
    close,
  };
}

async function forwardReady(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = performance.now() + FORWARD_READY_MS;
  for (;;) {
    if (await accepts(port)) return;
    if (child.exitCode !== null || performance.now() > deadline) {
      throw new Error(`ssh -L did not open its forward (${child.exitCode ?? 'still running'}):\n${log()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether 127.0.0.1:`port` accepts a connection (closed again at once). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

interface StatusSample {
  wallMs: number;
  /** Logins sshd accepted during the run. */
  handshakes: number;
}

export const benchSshTunnel: Benchmark = (settings, log) =>
  withTempDir('ssh-tunnel', async (dir) => {
    let tomcats: LocalTomcatInstance[] = [];
    let sshd: SshdInstance | undefined;
    let forward: OpenSshForward | undefined;
    // Other jobs on the machine move these figures more than most: the load is kept with them.
    const loadBefore = loadavg();
    try {
      [tomcats, sshd] = await Promise.all([startTomcats(1), startSshd()]);
      const tomcat = tomcats[0]!;
      const knownHosts = await sshd.knownHostsFile();
      const viaSsh = { ssh: sshd.destination, sshKeyFile: sshd.clientKeyFile, sshKnownHosts: knownHosts };
      log(`  building a ${settings.sizeMb} MB WAR ...`);
      const war = await buildLargeWar(dir, Math.round(settings.sizeMb * 1024 * 1024), 'big');
      forward = await openSshForward(sshd, knownHosts, Number(new URL(tomcat.managerUrl).port));
      const forwarded: ManagerTarget = {
        user: tomcat.user,
        password: tomcat.password,
        managerUrl: `http://127.0.0.1:${forward.port}${new URL(tomcat.managerUrl).pathname}`,
      };
      const curlConfig = await writeCurlConfig(dir, tomcat);
      const deployConfig = await writeTargetsConfig(dir, 'deploy.json', [tomcat], viaSsh);
      const deploys = await runInterleaved(
        [
          deployVariant(
            CURL,
            tomcat,
            '/curl',
            (run) =>
              curlDeploy(forwarded, curlConfig, war, {
                path: '/curl',
                version: `${run + 2}`,
                terminal: true,
              }),
            [forward.pid],
          ),
          deployVariant(TOMCAT_PD, tomcat, '/tpd', async () =>
            assertSucceeded(
              await runCli(['--config', deployConfig.configFile, 'deploy', war, '--path', '/tpd'], {
                env: deployConfig.env,
                cwd: dir,
                terminal: true,
              }),
              TOMCAT_PD,
            ),
          ),
        ],
        { runs: settings.runs, log },
      );

      const fleet = Array.from({ length: STATUS_TARGETS }, () => tomcat);
      const statusSsh = await writeTargetsConfig(dir, 'status-ssh.json', fleet, viaSsh);
      const statusDirect = await writeTargetsConfig(dir, 'status-direct.json', fleet);
      const status =
        (config: { configFile: string; env: NodeJS.ProcessEnv }) => async (): Promise<StatusSample> => {
          const before = sshd!.acceptedLogins();
          const run = assertSucceeded(
            await runCli(['--config', config.configFile, 'status'], { env: config.env, measureRss: false }),
            'status',
          );
          return { wallMs: run.wallMs, handshakes: sshd!.acceptedLogins() - before };
        };
      const statuses = await runInterleaved(
        [
          { name: STATUS_SSH, measure: status(statusSsh) },
          { name: STATUS_DIRECT, measure: status(statusDirect) },
        ],
        { runs: settings.runs, log },
      );

      const [tomcatPd, curl] = [wallTimes(deploys, TOMCAT_PD), wallTimes(deploys, CURL)];
      const statusRow = (name: string) => {
        const series = statuses.runs[name]!;
        return {
          ...spread(
            series.map((sample) => sample.wallMs),
            'ms',
          ),
          'SSH handshakes (max)': summarize(series.map((sample) => sample.handshakes)).max,
        };
      };
      return {
        table: {
          [CURL]: { ...deployRow(deploys, CURL, settings.sizeMb), cipher: forward.cipher },
          [TOMCAT_PD]: {
            ...deployRow(deploys, TOMCAT_PD, settings.sizeMb),
            'x curl': round(summarize(tomcatPd).median / summarize(curl).median, 2),
            'x curl (fastest)': round(summarize(tomcatPd).min / summarize(curl).min, 2),
            'x curl (pairs, median)': round(summarize(pairedRatios(tomcatPd, curl)).median, 2),
          },
          [STATUS_SSH]: statusRow(STATUS_SSH),
          [STATUS_DIRECT]: statusRow(STATUS_DIRECT),
        },
        samples: {
          deploys: { ...deploys, pairedRatios: pairedRatios(tomcatPd, curl) },
          statuses,
          opensshCipher: forward.cipher,
          loadAverage: { before: loadBefore, after: loadavg() },
        },
      };
    } finally {
      await forward?.close();
      await sshd?.stop();
      await stopTomcats(tomcats);
    }
  });
