import {
  fleetDeploy,
  parseRolloutSteps,
  validateContextPath,
  validateDeployOptions,
  type FleetDeployOptions,
  type FleetDeployResult,
} from '@tomcat-pd/core';
import { requirePath, type CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { parseWholeNumber } from '../durations.js';
import { parseAnalysisFlags, type AnalysisFlags } from '../analysis-flags.js';
import { parseProbeFlags, type ProbeFlags } from '../probe-flags.js';
import { createFleetProgress } from '../progress-bar.js';
import { deployDocument, renderDeploy } from '../render/deploy.js';

interface DeployCliOptions extends ProbeFlags, AnalysisFlags {
  path?: string;
  version?: string;
  semver?: string;
  width?: string;
  buildId?: string;
  update?: boolean;
  tag?: string;
  canary?: string;
  steps?: string;
  /** `false` with `--no-check`. */
  check?: boolean;
}

type DeployInput = Omit<FleetDeployOptions, 'parallel' | 'signal' | 'logger' | 'onProgress'>;

/**
 * The WAR and the options, with the config defaults for the path and the counter width. A bad
 * path, version, semver or width is a mistake on the command line; the WAR is checked by the
 * deploy itself (it is input, not command line).
 */
export function parse({ args, options, defaults }: CommandLine<DeployCliOptions>): DeployInput {
  const input = {
    path: validateContextPath(requirePath(options.path, defaults)),
    warFile: String(args[0]),
    version: options.version,
    semver: options.semver,
    width: options.width === undefined ? defaults.width : parseWholeNumber(options.width, '--width', 1),
    buildId: chosenBuildId(options),
    update: options.update,
    tag: options.tag,
    canary: options.canary === undefined ? undefined : parseWholeNumber(options.canary, '--canary'),
    steps: options.steps === undefined ? undefined : parseRolloutSteps(options.steps),
    ...parseProbeFlags(options, defaults, { smoke: true }),
    analysis: parseAnalysisFlags(options),
    skipCheck: options.check === false,
  };
  validateDeployOptions(input);
  return input;
}

/**
 * `--build-id`, else `$TOMCAT_PD_BUILD_ID`. A CI job sets the variable for every step, so it
 * gives way to an explicit `--version` or `--semver` (two flags for the version are a mistake).
 */
function chosenBuildId(options: DeployCliOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (options.buildId !== undefined) return options.buildId;
  const fromEnv = env.TOMCAT_PD_BUILD_ID;
  if (fromEnv === undefined || fromEnv === '') return undefined;
  return options.version === undefined && options.semver === undefined ? fromEnv : undefined;
}

/**
 * `tomcat-pd deploy <war> --path P [--version V] [--semver S] [--width N] [--update] [--tag T]
 * [--canary N]`: one version on every selected target, all or nothing. A failure anywhere
 * throws the core's FleetOperationError (each target's outcome), after the new version was
 * removed from the targets that took it.
 */
export async function run(context: CliContext, input: DeployInput): Promise<void> {
  const clients = await context.clients();
  const progress = await createFleetProgress(
    context.output,
    clients.map((client) => client.name),
  );
  let result: FleetDeployResult;
  try {
    result = await fleetDeploy(clients, {
      ...input,
      parallel: context.parallel,
      signal: context.signal,
      logger: progress.logger(context.output.logger),
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
}
