import type { Balancer } from '../../balancer/balancer.js';
import { withDefaults } from '../../common/defaults.js';
import { usageError } from '../../errors/error-classes.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { AnalysisSpec } from '../analyze/analysis-options.js';
import {
  parseFleetDeployOptions,
  type FleetDeployOptions,
  type FleetDeploySpec,
} from '../deploy/fleet-deploy.js';
import type { FleetRunOptions } from '../run-context.js';
import { validateContextPath } from '../../versions/context-name.js';
import { BLUE_GREEN_DEFAULTS } from './blue-green-defaults.js';
import type { BlueGreenStepRecord } from './blue-green-report.js';

/** How blue/green switches colours, for a deploy and a rollback alike. */
export interface SwitchOptions extends FleetRunOptions {
  /** Every balancer of the config: the colours are told from, and switched on, all of them. */
  balancers: readonly Balancer[];
  /** Every Tomcat behind them (each client's `name` is its target): both colours. */
  clients: readonly ManagerClient[];
  /** Wait until the colour that leaves has no visitor left, then put it in maint. @defaultValue false */
  waitDrain?: boolean | undefined;
  /** How long those visitors may take to leave. @defaultValue 1 800 000 (30 min) */
  maxDrainMs?: number | undefined;
  /** How long the colour made ready may take to be up on every balancer. @defaultValue 60 000 */
  upTimeoutMs?: number | undefined;
  /** How long each request proving a target serves may take. @defaultValue 5 000 */
  probeTimeoutMs?: number | undefined;
  /** Between two reads while waiting. @defaultValue 2 000 */
  intervalMs?: number | undefined;
  /** Each step as it starts (`outcome` undefined) and as it ends. */
  onStep?: ((step: BlueGreenStepRecord) => void) | undefined;
}

/** A blue/green deploy: the fleet deploy's options (the WAR goes to the idle colour) and the switch's. */
export interface BlueGreenDeployOptions
  extends Omit<FleetDeployOptions, keyof FleetRunOptions>, SwitchOptions {}

/** A blue/green rollback: back to the other colour, which must still run the app. */
export interface BlueGreenRollbackOptions extends SwitchOptions {
  /** The app that must run on the other colour. */
  path: string;
  /** Paths under each app that must answer 2xx or 3xx before its target is made ready (else OPTIONS at its root). */
  probes?: readonly string[] | undefined;
}

/** The switch's options, checked. */
export interface SwitchSpec {
  readonly balancers: readonly Balancer[];
  readonly clients: readonly ManagerClient[];
  readonly waitDrain: boolean;
  readonly maxDrainMs: number;
  readonly upTimeoutMs: number;
  readonly probeTimeoutMs: number;
  readonly intervalMs: number;
  /** What proves a target serves before it is made ready (empty: OPTIONS at each app's root). */
  readonly probes: readonly string[];
  readonly onStep: ((step: BlueGreenStepRecord) => void) | undefined;
}

export interface BlueGreenDeploySpec extends SwitchSpec {
  /** The deploy on the idle colour, without its analysis: that one is judged after the switch. */
  readonly deploy: FleetDeploySpec;
  readonly analysis: AnalysisSpec | undefined;
}

export interface BlueGreenRollbackSpec extends SwitchSpec {
  readonly path: string;
}

BLUE_GREEN_DEFAULTS satisfies Partial<SwitchOptions>;

/** Checks a blue/green deploy's options before anything is read or sent. @throws UsageError naming what is wrong. */
export function parseBlueGreenDeployOptions(
  options: Omit<BlueGreenDeployOptions, keyof FleetRunOptions>,
): BlueGreenDeploySpec {
  const {
    balancers,
    clients,
    waitDrain,
    maxDrainMs,
    upTimeoutMs,
    probeTimeoutMs,
    intervalMs,
    onStep,
    ...deploy
  } = options;
  return blueGreenDeploySpec(parseFleetDeployOptions(deploy), {
    balancers,
    clients,
    waitDrain,
    maxDrainMs,
    upTimeoutMs,
    probeTimeoutMs,
    intervalMs,
    onStep,
  });
}

/**
 * A blue/green deploy's spec from a fleet deploy's, checked already (the command line's), and the
 * switch's options: the deploy's analysis is taken out of it, to judge the new colour after the
 * switch; its probe paths prove each target serves before it is made ready.
 */
export function blueGreenDeploySpec(
  deploy: FleetDeploySpec,
  options: Omit<SwitchOptions, keyof FleetRunOptions>,
): BlueGreenDeploySpec {
  return {
    ...parseSwitchOptions(options, deploy.probe?.paths ?? []),
    deploy: { ...deploy, analysis: undefined },
    analysis: deploy.analysis,
  };
}

/** Checks a blue/green rollback's options before anything is read or sent. @throws UsageError naming what is wrong. */
export function parseBlueGreenRollbackOptions(
  options: Omit<BlueGreenRollbackOptions, keyof FleetRunOptions>,
): BlueGreenRollbackSpec {
  const probes = options.probes ?? [];
  for (const probe of probes) {
    if (!probe.startsWith('/')) throw usageError(`A probe path starts with /, not ${probe}.`);
  }
  return { ...parseSwitchOptions(options, probes), path: validateContextPath(options.path) };
}

function parseSwitchOptions(
  options: Omit<SwitchOptions, keyof FleetRunOptions>,
  probes: readonly string[],
): SwitchSpec {
  const o = withDefaults(options, BLUE_GREEN_DEFAULTS);
  if (o.balancers.length === 0)
    throw usageError('Blue/green needs the balancers: add "balancers" to the config file.');
  if (o.clients.length === 0) throw usageError('No target is configured.');
  for (const [name, ms] of [
    ['longest drain', o.maxDrainMs],
    ['up timeout', o.upTimeoutMs],
    ['probe timeout', o.probeTimeoutMs],
    ['interval', o.intervalMs],
  ] as const) {
    if (!(ms > 0)) throw usageError(`The ${name} must be more than 0, not ${ms} ms.`);
  }
  return {
    balancers: o.balancers,
    clients: o.clients,
    waitDrain: o.waitDrain,
    maxDrainMs: o.maxDrainMs,
    upTimeoutMs: o.upTimeoutMs,
    probeTimeoutMs: o.probeTimeoutMs,
    intervalMs: o.intervalMs,
    probes,
    onStep: o.onStep,
  };
}
