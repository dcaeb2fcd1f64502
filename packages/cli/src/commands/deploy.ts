import {
  displayName,
  fleetDeploy,
  type DeployResult,
  type FleetDeployOptions,
  type FleetDeployResult,
} from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { parseWholeNumber } from '../durations.js';
import { createFleetProgress } from '../progress-bar.js';
import { showVersion } from '../render-role.js';

interface DeployCliOptions {
  path?: string;
  version?: string;
  semver?: string;
  width?: string;
  update?: boolean;
  tag?: string;
  canary?: string;
}

/**
 * `tomcat-pd deploy <war> --path P [--version V] [--semver S] [--width N] [--update] [--tag T]
 * [--canary N]`: one version on every selected target, all or nothing. A failure anywhere
 * throws the core's FleetOperationError (each target's outcome), after the new version was
 * removed from the targets that took it.
 */
export async function run(context: CliContext, args: unknown[], options: DeployCliOptions): Promise<void> {
  const warFile = String(args[0]);
  const coreOptions = deployOptions(context, warFile, options);
  const clients = await context.clients();
  const progress = await createFleetProgress(
    context.output,
    clients.map((client) => client.name),
  );
  let result: FleetDeployResult;
  try {
    result = await fleetDeploy(clients, {
      ...coreOptions,
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

/** Options → the core's options, with the config defaults for the path and the counter width. */
function deployOptions(context: CliContext, warFile: string, options: DeployCliOptions): FleetDeployOptions {
  const path = context.requirePath(options.path);
  const width =
    options.width === undefined ? context.defaults.width : parseWholeNumber(options.width, '--width', 1);
  const canary = options.canary === undefined ? undefined : parseWholeNumber(options.canary, '--canary');
  return {
    path,
    warFile,
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.semver === undefined ? {} : { semver: options.semver }),
    ...(width === undefined ? {} : { width }),
    ...(options.update ? { update: true } : {}),
    ...(options.tag === undefined ? {} : { tag: options.tag }),
    ...(canary === undefined ? {} : { canary }),
    parallel: context.parallel,
    signal: context.signal,
    logger: context.output.logger,
  };
}

/**
 * The JSON document (documented in the README): the version, and per target what is live now,
 * what was live before (`null` on a first deploy) and the sessions left on the older versions.
 */
export function deployDocument(result: FleetDeployResult) {
  return {
    path: result.path,
    version: result.version,
    displayName: displayName(result.path, result.version),
    targets: result.targets.map((target) => ({
      target: target.target,
      live: target.live,
      previousLive: target.previousLive ?? null,
      olderVersions: target.olderVersions.map(({ version, sessions }) => ({ version, sessions })),
      bytes: target.bytes,
      durationMs: target.durationMs,
    })),
  };
}

/**
 * `Version 004 of /shop is live on 2 targets (was 003 on web1, 001 on web2).`, then per target
 * where the old sessions are: `web1: 003 keeps 2 sessions`.
 */
export function renderDeploy(result: FleetDeployResult): string {
  const { targets } = result;
  const where = targets.length === 1 ? targets[0]!.target : `${targets.length} targets`;
  const lines = [
    `Version ${showVersion(result.version)} of ${result.path} is live on ${where}${was(targets)}.`,
  ];
  for (const target of targets) {
    const line = sessionsLine(target);
    if (line !== undefined) lines.push(`${target.target}: ${line}`);
  }
  return lines.join('\n');
}

/** ` (was 003)` when every target had the same live version, else ` (was 003 on web1, none on web2)`. */
function was(targets: DeployResult[]): string {
  const previous = new Set(targets.map((target) => target.previousLive));
  if (previous.size === 1) {
    const [only] = previous;
    return only === undefined ? '' : ` (was ${showVersion(only)})`;
  }
  const parts = targets.map(
    (target) =>
      `${target.previousLive === undefined ? 'none' : showVersion(target.previousLive)} on ${target.target}`,
  );
  return ` (was ${parts.join(', ')})`;
}

/** Where the sessions of the older running versions are; nothing when no older version runs. */
function sessionsLine(target: DeployResult): string | undefined {
  // Newest first: the version just replaced is the one a rollback would return to.
  const holding = target.olderVersions.filter((older) => older.sessions > 0).reverse();
  if (holding.length > 0) {
    return holding
      .map(
        (older) =>
          `${showVersion(older.version)} keeps ${older.sessions} ${older.sessions === 1 ? 'session' : 'sessions'}`,
      )
      .join(', ');
  }
  return target.olderVersions.length > 0 ? 'no sessions remain on older versions' : undefined;
}
