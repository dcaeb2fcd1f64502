import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHaproxy, type HaproxyInstance } from './haproxy.js';
import { startHttpd, type HttpdInstance } from './httpd.js';
import { buildLoadWar } from './load-war.js';
import { startLocalTomcat, type LocalTomcatInstance } from './local-tomcat.js';
import { startTogether } from './start-tomcat.js';
import { basicAuth } from './tomcat-instance.js';
import {
  startVisitorLoad,
  type LoadCounts,
  type VisitorLoad,
  type VisitorLoadOptions,
} from './visitor-load.js';

/**
 * A zero-downtime check (issue 21) as the tests and `pnpm bench` run it: two real Tomcats
 * (`web1`, `web2`: their jvmRoutes) behind a real balancer, a tomcat-pd.json naming both and the
 * balancer, a command that really restarts a Tomcat, and the load of visitor-load.ts through the
 * balancer while the built CLI runs an operation.
 */

/** The balancers a stand can have in front. */
export type StandBalancer = 'haproxy' | 'mod_jk';

/** Options of {@link startZeroDowntimeStand}. */
export interface ZeroDowntimeStandOptions {
  readonly balancer: StandBalancer;
  /** How long a session lives idle (load-war.ts): short, so that a drain ends in seconds. */
  readonly sessionSeconds: number;
  /**
   * Grant the Manager user `manager-jmx`, as a well-configured site does: a drain then waits only
   * for the sessions that existed when it began, told apart by their ids through the JMX proxy
   * (packages/core/src/ops/lb/wait-drained.ts); without it, for every session, returning
   * visitors' new ones too. @defaultValue true
   */
  readonly jmx?: boolean;
}

/** Who hears of each restart the stand's command does: the load, which times each node's stop. */
export interface RestartListener {
  nodeStopping(node: string): void;
  nodeStarted(node: string): void;
}

export interface ZeroDowntimeStand {
  readonly balancer: StandBalancer;
  readonly tomcats: readonly LocalTomcatInstance[];
  /** Where visitors go: the balancer. */
  readonly url: string;
  /** The app's path on both Tomcats. */
  readonly path: string;
  readonly sessionSeconds: number;
  /** Whether the Manager user has `manager-jmx` ({@link ZeroDowntimeStandOptions.jmx}). */
  readonly jmx: boolean;
  /** Holds tomcat-pd.json (the CLI's working directory) and the WAR; removed by `stop`. */
  readonly dir: string;
  /** What the CLI's environment needs besides: the targets' passwords (`passwordEnv`). */
  readonly env: Readonly<Record<string, string>>;
  /** `--exec` of `tomcat-pd restart`: restarts the Tomcat `$TOMCAT_PD_TARGET` names, answers once it runs. */
  readonly restartCommand: string;
  /** The targets the command restarted, in order. */
  readonly restarted: readonly string[];
  watchRestarts(listener: RestartListener | undefined): void;
  /** Restarts a Tomcat as the command does, behind the balancer's back (what a check must catch). */
  restart(name: string): Promise<void>;
  /**
   * What the balancer holds against a member: mod_jk's worker in error or with errors counted
   * (it fails a request over to another worker silently, so a visitor's 200 hides them), HAProxy's
   * connection and response errors to a server. Empty when there is nothing.
   */
  memberFaults(): Promise<string[]>;
  stop(): Promise<void>;
}

const NAMES = ['web1', 'web2'] as const;
const PATH = '/zd';

/** Starts both Tomcats, deploys the load's WAR on each, starts the balancer and the restart command's server. */
export async function startZeroDowntimeStand(options: ZeroDowntimeStandOptions): Promise<ZeroDowntimeStand> {
  const ajp = options.balancer === 'mod_jk';
  const jmx = options.jmx ?? true;
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-zd-'));
  const cleanUp: (() => Promise<unknown>)[] = [() => rm(dir, { recursive: true, force: true })];
  try {
    const tomcats = await startTogether(
      NAMES.map((jvmRoute) =>
        startLocalTomcat({ jvmRoute, ...(ajp ? { ajp: true } : {}), ...(jmx ? { jmx: true } : {}) }),
      ),
    );
    cleanUp.push(() => Promise.all(tomcats.map((tomcat) => tomcat.stop())));
    const war = await readFile(
      await buildLoadWar(dir, { label: 'zd', sessionSeconds: options.sessionSeconds }),
    );
    await Promise.all(tomcats.map((tomcat) => deployAndWarm(tomcat, war)));
    const front = await startFront(options.balancer, tomcats);
    cleanUp.push(() => front.stop());
    const restarter = await startRestarter(tomcats);
    cleanUp.push(() => new Promise((resolve) => restarter.server.close(resolve)));
    const env = Object.fromEntries(NAMES.map((name, index) => [passwordEnv(name), tomcats[index]!.password]));
    await writeFile(
      join(dir, 'tomcat-pd.json'),
      JSON.stringify({
        targets: tomcats.map((tomcat, index) => ({
          name: NAMES[index],
          url: tomcat.managerUrl,
          user: tomcat.user,
          passwordEnv: passwordEnv(NAMES[index]!),
        })),
        balancers: [front.config],
      }),
    );
    return {
      balancer: options.balancer,
      tomcats,
      url: front.url,
      path: PATH,
      sessionSeconds: options.sessionSeconds,
      jmx,
      dir,
      env,
      restartCommand: `curl -sf ${restarter.url}/$TOMCAT_PD_TARGET`,
      restarted: restarter.restarted,
      watchRestarts: (listener) => (restarter.listener = listener),
      async restart(name) {
        const response = await fetch(`${restarter.url}/${name}`);
        if (response.status !== 200)
          throw new Error(`restarting ${name}: HTTP ${response.status} ${await response.text()}`);
      },
      memberFaults: () => front.memberFaults(),
      stop: () => stopAll(cleanUp),
    };
  } catch (error) {
    await stopAll(cleanUp);
    throw error;
  }
}

const passwordEnv = (name: string) => `ZD_${name.toUpperCase()}_PASSWORD`;

/** Last started, first stopped; every step runs even when one fails. */
async function stopAll(steps: readonly (() => Promise<unknown>)[]): Promise<void> {
  for (const step of [...steps].reverse()) await step().catch(() => undefined);
}

/**
 * Deploys through the Manager's text API, then asks each page once, so that the JSPs are compiled
 * before the load's first visitor (who would otherwise wait a second for javac).
 */
async function deployAndWarm(tomcat: LocalTomcatInstance, war: Buffer): Promise<void> {
  const response = await fetch(`${tomcat.managerUrl}/text/deploy?path=${PATH}`, {
    method: 'PUT',
    body: war,
    headers: { authorization: basicAuth({ name: tomcat.user, password: tomcat.password }) },
  });
  const text = await response.text();
  if (!text.startsWith('OK')) throw new Error(`deploying ${PATH} failed: ${text}`);
  for (const page of ['visit.jsp', 'node.jsp'])
    await (await fetch(`${tomcat.baseUrl}${PATH}/${page}`)).text();
}

/** The balancer in front, its entry of tomcat-pd.json, and its reading of faults. */
interface Front {
  readonly url: string;
  readonly config: Record<string, string>;
  memberFaults(): Promise<string[]>;
  stop(): Promise<void>;
}

async function startFront(kind: StandBalancer, tomcats: readonly LocalTomcatInstance[]): Promise<Front> {
  if (kind === 'haproxy') {
    const haproxy = await startHaproxy({
      backend: 'tomcats',
      checkPath: `${PATH}/health.txt`,
      servers: tomcats.map((tomcat, index) => ({
        name: NAMES[index]!,
        port: Number(new URL(tomcat.baseUrl).port),
      })),
    });
    return {
      url: haproxy.url,
      config: { name: 'lb1', type: 'haproxy', socket: haproxy.adminSocket, backend: haproxy.backend },
      memberFaults: () => haproxyFaults(haproxy),
      stop: () => haproxy.stop(),
    };
  }
  const httpd = await startHttpd({
    kind: 'mod_jk',
    members: tomcats.map((tomcat, index) => ({ name: NAMES[index]!, port: tomcat.ajpPort! })),
  });
  return {
    url: httpd.baseUrl,
    config: { name: 'jk1', type: 'mod_jk', url: httpd.consoleUrl, balancer: httpd.balancer },
    memberFaults: () => jkFaults(httpd),
    stop: () => httpd.stop(),
  };
}

/** mod_jk's status worker: each member's `state` (not `OK...`) and `errors` (more than 0). */
async function jkFaults(httpd: HttpdInstance): Promise<string[]> {
  const text = await (await fetch(`${httpd.consoleUrl}?cmd=show&w=${httpd.balancer}&mime=prop`)).text();
  const field = (name: string, key: string) =>
    new RegExp(`^worker\\.${name}\\.${key}=(.*)$`, 'm').exec(text)?.[1] ?? 'absent';
  return NAMES.flatMap((name) => {
    const state = field(name, 'state');
    const errors = field(name, 'errors');
    return state.startsWith('OK') && errors === '0' ? [] : [`${name}: state ${state}, ${errors} errors`];
  });
}

/** HAProxy's `show stat`: each server's connection errors (`econ`) and response errors (`eresp`). */
async function haproxyFaults(haproxy: HaproxyInstance): Promise<string[]> {
  const [header = '', ...rows] = (await runtimeApi(haproxy.adminSocket, 'show stat')).trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const column = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
  return rows
    .map((line) => line.split(','))
    .filter((row) => (NAMES as readonly string[]).includes(column(row, 'svname')))
    .flatMap((row) => {
      const [econ, eresp] = [column(row, 'econ'), column(row, 'eresp')];
      return (econ === '0' || econ === '') && (eresp === '0' || eresp === '')
        ? []
        : [`${column(row, 'svname')}: ${econ} connection errors, ${eresp} response errors`];
    });
}

function runtimeApi(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: socketPath });
    let text = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to ${command}`)));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.once('error', reject);
    socket.once('close', () => resolve(text));
    socket.once('connect', () => socket.write(`${command}\n`));
  });
}

/**
 * The server behind the restart command: `GET /<name>` restarts that Tomcat (SIGTERM, start,
 * wait for its Manager) and answers once it runs; the listener hears when its stop begins and
 * when it runs again.
 */
async function startRestarter(tomcats: readonly LocalTomcatInstance[]): Promise<{
  server: Server;
  url: string;
  restarted: string[];
  listener: RestartListener | undefined;
}> {
  const restarter = {
    restarted: [] as string[],
    listener: undefined as RestartListener | undefined,
  };
  const server = createServer((request, response) => {
    const name = request.url?.slice(1) ?? '';
    const tomcat = tomcats[(NAMES as readonly string[]).indexOf(name)];
    if (tomcat === undefined) return void response.writeHead(404).end();
    restarter.restarted.push(name);
    restarter.listener?.nodeStopping(name);
    tomcat.restart().then(
      () => {
        restarter.listener?.nodeStarted(name);
        response.writeHead(200).end(`restarted ${name}\n`);
      },
      (error: unknown) => response.writeHead(500).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(restarter, {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  });
}

/** What runs the built CLI in the stand's directory with its environment (the tests' or the bench's runner). */
export type StandCli = (
  args: readonly string[],
) => Promise<{ code: number | null; stdout: string; stderr: string }>;

/**
 * One operation measured under load: a table of `{ balancer, operations }` is a list of checks
 * (bench/zero-downtime.ts), and another operation is one more of these ({@link rollingRestart},
 * {@link blueGreenDeploy}, {@link BLUE_GREEN_ROLLBACK}).
 */
export interface ZeroDowntimeOperation {
  /** Its name in a table: `rolling restart`. */
  readonly name: string;
  /** Untimed, before the load starts (a WAR to build, a colour to put in maint). */
  prepare?(stand: ZeroDowntimeStand, cli: StandCli): Promise<void>;
  /** The built CLI's arguments, run once under load and timed. */
  args(stand: ZeroDowntimeStand): readonly string[];
  /** Figures of its own from its output (`--json`), for a table: how long each target's drain took. */
  figures?(stdout: string): Record<string, number>;
}

/** How long a rolling restart waits for each target's visitors, and what it does then. */
export interface RollingRestartOptions {
  /** `--max-drain`. @defaultValue '3m' */
  readonly maxDrain?: string;
  /** `--on-max-drain`. @defaultValue 'fail' */
  readonly onMaxDrain?: 'fail' | 'proceed';
}

/** `tomcat-pd restart` of both Tomcats, each really restarted by the stand's command. */
export function rollingRestart(options: RollingRestartOptions = {}): ZeroDowntimeOperation {
  const { maxDrain = '3m', onMaxDrain = 'fail' } = options;
  return {
    name: onMaxDrain === 'proceed' ? `rolling restart, proceed after ${maxDrain}` : 'rolling restart',
    args: (stand) => [
      'restart',
      '--json',
      '--exec',
      stand.restartCommand,
      '--start-timeout',
      '60s',
      '--max-drain',
      maxDrain,
      '--on-max-drain',
      onMaxDrain,
    ],
    figures: restartFigures,
  };
}

/** Each target's drain and command, in seconds, and the sessions it lost, from `restart --json`. */
function restartFigures(stdout: string): Record<string, number> {
  const document = JSON.parse(stdout) as {
    targets: { target: string; sessionsLost: number; steps: { step: string; durationMs: number }[] }[];
  };
  return Object.fromEntries(
    document.targets.flatMap(({ target, sessionsLost, steps }): [string, number][] => [
      ...steps
        .filter(({ step }) => step === 'drained' || step === 'exec')
        .map(({ step, durationMs }): [string, number] => [
          `${target} ${step === 'drained' ? 'drain' : 'command'} (s)`,
          seconds(durationMs),
        ]),
      [`${target} sessions lost`, sessionsLost],
    ]),
  );
}

/** The rolling restart that waits up to 3 minutes for each drain and fails after. */
export const ROLLING_RESTART = rollingRestart();

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/** A release by `deploy --blue-green`: which build, and what comes before it. */
export interface BlueGreenDeployOptions {
  /** The build of the load's WAR to release (its label: `v2`), built before the load starts. */
  readonly label: string;
  /**
   * A target put in maint before the load starts, untimed: the idle colour of a first release
   * (both Tomcats take visitors when the stand starts).
   */
  readonly makeIdle?: string;
  /**
   * `--wait-drain --max-drain 3m`: a colour still draining (after a rollback) is waited for
   * before the deploy, and the old colour after the switch, then each put in maint.
   */
  readonly waitDrain?: boolean;
}

/** `tomcat-pd deploy WAR --path P --blue-green` to the idle colour, its steps timed from `--json`. */
export function blueGreenDeploy(options: BlueGreenDeployOptions): ZeroDowntimeOperation {
  const { label, makeIdle, waitDrain = false } = options;
  return {
    name: waitDrain ? 'deploy --blue-green --wait-drain' : 'deploy --blue-green',
    async prepare(stand, cli) {
      await buildLoadWar(stand.dir, { label, sessionSeconds: stand.sessionSeconds });
      if (makeIdle !== undefined) await succeeded(cli, ['lb', 'maint', makeIdle]);
    },
    args: (stand) => [
      'deploy',
      join(stand.dir, `${label}.war`),
      '--path',
      stand.path,
      '--blue-green',
      '--json',
      ...(waitDrain ? ['--wait-drain', '--max-drain', '3m'] : []),
    ],
    figures: blueGreenFigures,
  };
}

/** `tomcat-pd rollback --path P --blue-green`: back to the colour live before the last switch. */
export const BLUE_GREEN_ROLLBACK: ZeroDowntimeOperation = {
  name: 'rollback --blue-green',
  args: (stand) => ['rollback', '--path', stand.path, '--blue-green', '--json'],
  figures: blueGreenFigures,
};

/**
 * Issue 21's blue/green sequence on a stand: web2 made idle and given `v2`, the switch rolled
 * back to web1, then `v3` on web2 once the visitors of v2 left it, and web1 drained to maint.
 */
export const BLUE_GREEN_RELEASES: readonly ZeroDowntimeOperation[] = [
  blueGreenDeploy({ label: 'v2', makeIdle: 'web2' }),
  BLUE_GREEN_ROLLBACK,
  blueGreenDeploy({ label: 'v3', waitDrain: true }),
];

/** Each step of a blue/green switch (`wait-idle`, `deploy`, `ready`, `drain`, `maint`) in seconds. */
function blueGreenFigures(stdout: string): Record<string, number> {
  const document = JSON.parse(stdout) as { blueGreen: { steps: { step: string; durationMs: number }[] } };
  return Object.fromEntries(
    document.blueGreen.steps.map(({ step, durationMs }): [string, number] => [
      `${step} (s)`,
      seconds(durationMs),
    ]),
  );
}

async function succeeded(cli: StandCli, args: readonly string[]): Promise<void> {
  const result = await cli(args);
  if (result.code !== 0)
    throw new Error(`tomcat-pd ${args.join(' ')} exited ${result.code}: ${result.stderr.trim()}`);
}

/** The load's rates and visits; its URLs and session time-out come from the stand. */
export type StandLoadOptions = Omit<
  VisitorLoadOptions,
  'baseUrl' | 'visitPage' | 'nodePage' | 'sessionTimeoutMs'
>;

/**
 * The tests' stand and load: sessions of 5 s and visits of 2 s, so that each drain ends within
 * seconds (the bench uses longer ones, bench/zero-downtime.ts).
 */
export const QUICK_DRAINS = {
  sessionSeconds: 5,
  load: {
    visitorsPerSecond: 4,
    requestsPerVisit: 3,
    visitMs: 2_000,
    newVisitorsPerSecond: 2,
    streamPerSecond: 20,
  },
} as const satisfies { sessionSeconds: number; load: StandLoadOptions };

/**
 * Starts the load through the stand's balancer, to its pages, told of every restart the stand's
 * command does until `stand.watchRestarts(undefined)`.
 */
export function startStandLoad(stand: ZeroDowntimeStand, options: StandLoadOptions = {}): VisitorLoad {
  const load = startVisitorLoad({
    ...options,
    baseUrl: stand.url,
    visitPage: `${stand.path}/visit.jsp`,
    nodePage: `${stand.path}/node.jsp`,
    sessionTimeoutMs: stand.sessionSeconds * 1_000,
  });
  stand.watchRestarts(load);
  return load;
}

/** Options of {@link measureZeroDowntime} and {@link measureZeroDowntimeSequence}. */
export interface MeasureOptions {
  readonly cli: StandCli;
  readonly load?: StandLoadOptions;
  /** Load before the first operation, so that both nodes hold sessions when it begins. @defaultValue 5 000 */
  readonly warmUpMs?: number;
  /**
   * Load after each operation, so that the nodes it brought back or switched to are visited
   * too; in a sequence, also the load between two operations. @defaultValue 5 000
   */
  readonly coolDownMs?: number;
}

/** What one operation under load gave. */
export interface ZeroDowntimeRun {
  readonly operation: string;
  readonly balancer: StandBalancer;
  /** The CLI's run, from spawn to exit. */
  readonly wallMs: number;
  readonly cli: Awaited<ReturnType<StandCli>>;
  /** The load's counts over the operation, the load just before it and its cool-down. */
  readonly counts: LoadCounts;
  /** {@link ZeroDowntimeStand.memberFaults} after its cool-down (cumulative). */
  readonly faults: readonly string[];
}

/** Runs the operation under the load (warm-up, the CLI, cool-down) and counts. */
export async function measureZeroDowntime(
  stand: ZeroDowntimeStand,
  operation: ZeroDowntimeOperation,
  options: MeasureOptions,
): Promise<ZeroDowntimeRun> {
  const [run] = await measureZeroDowntimeSequence(stand, [operation], options);
  return run!;
}

/**
 * Runs the operations one after the other under ONE load (warm-up, each CLI run followed by its
 * cool-down), so that the visitors one operation left on a colour are there for the next (a
 * rollback's, a second deploy's). Each run counts from the end of the one before (the first from
 * the load's start) to the end of its cool-down; the last also the visits that end after it. A
 * CLI run that fails ends the sequence there: the runs so far are returned.
 */
export async function measureZeroDowntimeSequence(
  stand: ZeroDowntimeStand,
  operations: readonly ZeroDowntimeOperation[],
  options: MeasureOptions,
): Promise<ZeroDowntimeRun[]> {
  for (const operation of operations) await operation.prepare?.(stand, options.cli);
  const load = startStandLoad(stand, options.load);
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const runs: ZeroDowntimeRun[] = [];
  let mark = load.mark();
  try {
    await pause(options.warmUpMs ?? 5_000);
    for (const [index, operation] of operations.entries()) {
      const started = performance.now();
      const cli = await options.cli(operation.args(stand));
      const wallMs = performance.now() - started;
      await pause(options.coolDownMs ?? 5_000);
      const last = index === operations.length - 1 || cli.code !== 0;
      if (last) await load.stop();
      runs.push({
        operation: operation.name,
        balancer: stand.balancer,
        wallMs,
        cli,
        counts: load.counts(mark),
        faults: await stand.memberFaults(),
      });
      if (last) break;
      mark = load.mark();
    }
    return runs;
  } finally {
    await load.stop();
    stand.watchRestarts(undefined);
  }
}
