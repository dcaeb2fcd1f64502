import type { Balancer } from '../../balancer/balancer.js';
import { withDefaults } from '../../common/defaults.js';
import { usageError } from '../../errors/error-classes.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { RunOptions } from '../run-context.js';
import type { CommandRunner } from '../../common/command-run.js';
import { shellRunner } from './command-runner.js';
import { RESTART_DEFAULTS } from './restart-defaults.js';
import type { RestartStepRecord } from './restart-report.js';

export interface RestartOptions extends RunOptions {
  /** Every balancer of the config: each target is drained, put in maint and made ready on each that has it. */
  balancers: readonly Balancer[];
  /** Every Tomcat of the config, in its order (each client's `name` is its target). */
  clients: readonly ManagerClient[];
  /** The shell command that restarts one Tomcat; it gets TOMCAT_PD_TARGET, TOMCAT_PD_MANAGER_URL, TOMCAT_PD_APP_URL. */
  exec: string;
  /** Only these targets, in this order. @defaultValue every client, in config order */
  targets?: readonly string[] | undefined;
  /** How long a target's visitors may take to leave. @defaultValue 1 800 000 (30 min) */
  maxDrainMs?: number | undefined;
  /** At `maxDrainMs`: `fail` puts the target back to ready and stops; `proceed` goes on (those sessions are lost). @defaultValue 'fail' */
  onMaxDrain?: 'fail' | 'proceed' | undefined;
  /** Expire the sessions idle at least this long while draining (those visitors log in again). */
  expireIdleMinutes?: number | undefined;
  /** Paths under each app that must answer 2xx or 3xx after the restart (else OPTIONS at its root, below 500). */
  probes?: readonly string[] | undefined;
  /** How long the command may run; past it, it is killed with everything it started and the target is left in maint. @defaultValue 600 000 (10 min) */
  execTimeoutMs?: number | undefined;
  /** How long the Manager and the apps may take to run again after the command. @defaultValue 300 000 (5 min) */
  startTimeoutMs?: number | undefined;
  /** How long each probe may take. @defaultValue 5 000 */
  probeTimeoutMs?: number | undefined;
  /** Between two reads while waiting. @defaultValue 2 000 */
  intervalMs?: number | undefined;
  /**
   * Where the command runs: on this machine (`controller`), or on each target's own host over
   * its SSH connection (`target`: every target needs `ssh`). @defaultValue 'controller'
   */
  execOn?: 'controller' | 'target' | undefined;
  /** Runs the command on this machine. @defaultValue `/bin/sh -c` */
  runner?: CommandRunner | undefined;
  /** Each step as it starts (`outcome` undefined) and as it ends. */
  onStep?: ((target: string, step: RestartStepRecord) => void) | undefined;
  /** Each line the command writes. */
  onOutput?: ((target: string, line: string) => void) | undefined;
}

/** A restart's options, checked. */
export interface RestartSpec {
  readonly balancers: readonly Balancer[];
  /** The targets to restart, in order. */
  readonly clients: readonly ManagerClient[];
  readonly exec: string;
  readonly maxDrainMs: number;
  readonly onMaxDrain: 'fail' | 'proceed';
  readonly expireIdleMinutes: number | undefined;
  readonly probes: readonly string[];
  readonly execTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly probeTimeoutMs: number;
  readonly intervalMs: number;
  /** What runs the command for a target: on this machine, or on its host. */
  readonly runnerOf: (client: ManagerClient) => CommandRunner;
  readonly onStep: ((target: string, step: RestartStepRecord) => void) | undefined;
  readonly onOutput: ((target: string, line: string) => void) | undefined;
}

RESTART_DEFAULTS satisfies Partial<RestartOptions>;

/** Checks a restart's options before anything is sent. @throws UsageError naming what is wrong. */
export function parseRestartOptions(options: Omit<RestartOptions, keyof RunOptions>): RestartSpec {
  const o = withDefaults(options, {
    ...RESTART_DEFAULTS,
    probeTimeoutMs: 5_000,
    runner: shellRunner,
    execOn: 'controller',
  });
  if (o.exec.trim() === '') throw usageError('Give the command that restarts one Tomcat (--exec).');
  if (o.balancers.length === 0)
    throw usageError('No balancer is configured: add "balancers" to the config file.');
  for (const [name, ms] of [
    ['longest drain', o.maxDrainMs],
    ['command timeout', o.execTimeoutMs],
    ['start timeout', o.startTimeoutMs],
    ['probe timeout', o.probeTimeoutMs],
    ['interval', o.intervalMs],
  ] as const) {
    if (!(ms > 0)) throw usageError(`The ${name} must be more than 0, not ${ms} ms.`);
  }
  if (o.onMaxDrain !== 'fail' && o.onMaxDrain !== 'proceed') {
    throw usageError(`At the longest drain a restart fails or proceeds, not ${String(o.onMaxDrain)}.`);
  }
  const { expireIdleMinutes } = o;
  if (expireIdleMinutes !== undefined && !(Number.isInteger(expireIdleMinutes) && expireIdleMinutes >= 1)) {
    throw usageError(`Expiring idle sessions takes whole minutes, 1 or more, not ${expireIdleMinutes}.`);
  }
  const probes = o.probes ?? [];
  for (const probe of probes) {
    if (!probe.startsWith('/')) throw usageError(`A probe path starts with /, not ${probe}.`);
  }
  const clients = chooseTargets(o.clients, o.targets);
  return {
    balancers: o.balancers,
    clients,
    exec: o.exec,
    maxDrainMs: o.maxDrainMs,
    onMaxDrain: o.onMaxDrain,
    expireIdleMinutes,
    probes,
    execTimeoutMs: o.execTimeoutMs,
    startTimeoutMs: o.startTimeoutMs,
    probeTimeoutMs: o.probeTimeoutMs,
    intervalMs: o.intervalMs,
    runnerOf: runnersOf(clients, o.execOn, o.runner),
    onStep: o.onStep,
    onOutput: o.onOutput,
  };
}

/** The clients of `targets`, in its order (config order without it); an unknown or repeated name is a mistake. */
function chooseTargets(
  clients: readonly ManagerClient[],
  targets: readonly string[] | undefined,
): readonly ManagerClient[] {
  if (clients.length === 0) throw usageError('No target is configured.');
  if (targets === undefined) return clients;
  if (targets.length === 0) throw usageError('Name at least one target to restart.');
  if (new Set(targets).size !== targets.length)
    throw usageError(`A target is named twice: ${targets.join(',')}.`);
  return targets.map((name) => {
    const client = clients.find((candidate) => candidate.name === name);
    if (client === undefined) {
      throw usageError(
        `No target is named ${name}; the config has ${clients.map((c) => c.name).join(', ')}.`,
      );
    }
    return client;
  });
}

/**
 * The runner of each target's command: the given one on this machine, or the target's own host's.
 * @throws UsageError naming the targets that are not reached through SSH, before anything changes.
 */
function runnersOf(
  clients: readonly ManagerClient[],
  execOn: 'controller' | 'target',
  runner: CommandRunner,
): (client: ManagerClient) => CommandRunner {
  if (execOn === 'controller') return () => runner;
  if (execOn !== 'target')
    throw usageError(`A command runs on the controller or the target, not ${String(execOn)}.`);
  const without = clients.filter((client) => client.hostRunner === undefined).map((client) => client.name);
  if (without.length > 0) {
    throw usageError(
      `--exec-on-target runs the command over each target's SSH connection, and ${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} none: give ${without.length === 1 ? 'it' : 'them'} "ssh" in the config file.`,
    );
  }
  // Every client has its host's runner (checked above); the fallback only satisfies the type.
  return (client) => client.hostRunner ?? runner;
}
