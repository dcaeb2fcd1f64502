import {
  admitWarAhead,
  parseFleetDeployOptions,
  runContextOf,
  runFleetDeploy,
  type FleetDeploySpec,
} from '@tomcat-pd/core/internal';
import { UsageError } from '@tomcat-pd/core/errors';
import { requirePath, type CommandLine } from '../command-line.js';
import type { DeployFlags } from '../commands/deploy.js';
import type { CliContext } from '../context.js';
import { analysisOptionsOf } from '../flags/analysis-flags.js';
import { blueGreenChoiceOf, type BlueGreenChoice } from '../flags/blue-green-flags.js';
import { parseRolloutSteps, parseWholeNumber } from '../flags/flag-values.js';
import { probeOptionsOf } from '../flags/probe-flags.js';
import type { ChangeDone, ChangeStart } from '../events/change-event.js';
import { appLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';
import { withDeployProgress } from './deploy-progress.js';
import { pauseRollout, pausedRecord, recordBase, reportDeploy } from './pause-rollout.js';

/** A deploy's checked command line: the fleet deploy's spec, and blue/green when asked for. */
export interface DeployInput {
  spec: FleetDeploySpec;
  blueGreen: BlueGreenChoice | undefined;
}

/**
 * The WAR and the options, with the config defaults for the path, the counter width and the
 * probes, checked by the core into the deploy's spec: a bad path, version, semver, width, probe
 * or analysis is a mistake on the command line. The WAR is checked by the deploy itself (it is
 * input, not command line).
 */
export function parse(line: CommandLine<DeployFlags>): DeployInput {
  const spec = parseSpec(line);
  const blueGreen = blueGreenChoiceOf(line.flags);
  if (blueGreen !== undefined && spec.rollout.some((step) => 'pause' in step && step.pause === 'manual')) {
    // The switch moves every new visitor at once: there is no step after which to wait for a person.
    throw new UsageError('A pause for promote (pause in --steps) does not work with --blue-green.');
  }
  return { spec, blueGreen };
}

function parseSpec({ args, flags, defaults }: CommandLine<DeployFlags>): FleetDeploySpec {
  return parseFleetDeployOptions({
    path: requirePath(flags.path, defaults),
    warFile: String(args[0]),
    version: flags.version,
    semver: flags.semver,
    width: flags.width === undefined ? defaults.width : parseWholeNumber(flags.width, '--width', 1),
    buildId: chosenBuildId(flags),
    update: flags.update,
    tag: flags.tag,
    canary: flags.canary === undefined ? undefined : parseWholeNumber(flags.canary, '--canary'),
    steps: flags.steps === undefined ? undefined : parseRolloutSteps(flags.steps),
    ...probeOptionsOf(flags, defaults, { smoke: true }),
    analysis: analysisOptionsOf(flags),
    skipCheck: !flags.check,
  });
}

/**
 * `--build-id`, else `$TOMCAT_PD_BUILD_ID`. A CI job sets the variable for every step, so it
 * gives way to an explicit `--version` or `--semver` (two flags for the version are a mistake).
 */
export function chosenBuildId(
  flags: Pick<DeployFlags, 'buildId' | 'version' | 'semver'>,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (flags.buildId !== undefined) return flags.buildId;
  const fromEnv = env.TOMCAT_PD_BUILD_ID;
  if (fromEnv === undefined || fromEnv === '') return undefined;
  return flags.version === undefined && flags.semver === undefined ? fromEnv : undefined;
}

/** A deploy's event: the version when given, else the build id; the end says which version it chose. */
export function change({ spec }: DeployInput): ChangeStart {
  const version = spec.plan.version;
  return {
    event: 'deploy',
    app: spec.path,
    version: version.kind === 'given' ? version.version : undefined,
    buildId: version.kind === 'counter' ? version.buildId : undefined,
  };
}

/**
 * A deploy (blue/green included) holds the app's lock on every selected target. Its WAR is
 * admitted first (readable, a web application, the check passed): a WAR that would be refused is
 * refused before anything is sent, the lock's requests included.
 */
export async function lock({ spec }: DeployInput, context: CliContext): Promise<LockRequest> {
  // The targets first: a mistake in them (an --app-url that is no http URL) is a usage error
  // found before the WAR is read, as it always was.
  await context.clients();
  await admitWarAhead(spec, runContextOf({ signal: context.signal, logger: context.output.logger }));
  return appLock('deploy', spec.path);
}

/**
 * `tomcat-pd deploy <war> --path P ...`: one version on every selected target, all or nothing. A
 * failure anywhere throws the core's FleetOperationError (each target's outcome), after the new
 * version was removed from the targets that took it. With `--blue-green`, the blue/green deploy
 * (loaded only then, with the balancers' code).
 */
export async function run(context: CliContext, { spec, blueGreen }: DeployInput): Promise<ChangeDone> {
  if (blueGreen !== undefined) {
    const { runDeployBlueGreen } = await import('./deploy-blue-green.js');
    return runDeployBlueGreen(context, spec, blueGreen);
  }
  const clients = await context.clients();
  const result = await withDeployProgress(context, clients, (running) =>
    runFleetDeploy(clients, spec, running),
  );
  if (result.paused !== undefined) {
    await pauseRollout(context, pausedRecord(recordBase(spec, result.version), result.paused));
  }
  reportDeploy(context, result, spec.warFile);
  return { version: result.version, paused: result.paused !== undefined };
}
