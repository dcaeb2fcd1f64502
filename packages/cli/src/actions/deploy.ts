import type { FleetDeployResult } from '@tomcat-pd/core';
import {
  fleetRunContextOf,
  parseFleetDeployOptions,
  runFleetDeploy,
  type FleetDeploySpec,
} from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine } from '../command-line.js';
import type { DeployFlags } from '../commands/deploy.js';
import type { CliContext } from '../context.js';
import { analysisOptionsOf } from '../flags/analysis-flags.js';
import { blueGreenChoiceOf, type BlueGreenChoice } from '../flags/blue-green-flags.js';
import { parseRolloutSteps, parseWholeNumber } from '../flags/flag-values.js';
import { probeOptionsOf } from '../flags/probe-flags.js';
import type { ChangeDone, ChangeStart } from '../events/change-event.js';
import { createFleetProgress } from '../progress-bar.js';
import { deployDocument, renderDeploy } from '../render/deploy.js';
import { appLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';

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
  return { spec: parseSpec(line), blueGreen: blueGreenChoiceOf(line.flags) };
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

/** A deploy (blue/green included) holds the app's lock on every selected target. */
export function lock({ spec }: DeployInput): LockRequest {
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
  const progress = await createFleetProgress(
    context.output,
    clients.map((client) => client.name),
  );
  let result: FleetDeployResult;
  try {
    result = await runFleetDeploy(clients, spec, {
      ...fleetRunContextOf({
        parallel: context.parallel,
        signal: context.signal,
        logger: progress.logger(context.output.logger),
      }),
      onProgress(event) {
        if (event.phase === 'uploading') progress.update(event.target, event);
        // The upload is done; Tomcat now unpacks and starts the context, which can take a while.
        else progress.starting(event.target, event.displayName);
      },
    });
  } finally {
    // Also on an error, so that the message is not written over half-drawn bars.
    progress.stop();
  }
  context.output.result(deployDocument(result), () => renderDeploy(result));
  return { version: result.version };
}
