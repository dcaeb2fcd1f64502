import { basename } from 'node:path';
import { deploy, type DeployOptions, type DeployResult } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { parseWholeNumber } from '../durations.js';
import { createUploadProgress } from '../progress-bar.js';
import { showVersion } from '../render-role.js';

interface DeployCliOptions {
  path?: string;
  version?: string;
  semver?: string;
  width?: string;
  update?: boolean;
  tag?: string;
}

/** `tomcat-pd deploy <war> --path P [--version V] [--semver S] [--width N] [--update] [--tag T]` */
export async function run(context: CliContext, args: unknown[], options: DeployCliOptions): Promise<void> {
  const warFile = String(args[0]);
  const coreOptions = deployOptions(context, warFile, options);
  const client = await context.client();
  const progress = createUploadProgress(context.output, `uploading ${basename(warFile)}`);
  let result: DeployResult;
  try {
    result = await deploy(client, {
      ...coreOptions,
      onProgress(event) {
        if (event.phase === 'uploading') {
          progress.update(event);
          return;
        }
        // The upload is done; Tomcat now unpacks and starts the context, which can take a while.
        progress.stop();
        context.output.info(`waiting for Tomcat to start ${event.displayName}`);
      },
    });
  } finally {
    // Also on an error, so that the message is not written over a half-drawn bar.
    progress.stop();
  }
  context.output.result(deployDocument(result), () => renderDeploy(result));
}

/** Options → the core's options, with the config defaults for the path and the counter width. */
function deployOptions(context: CliContext, warFile: string, options: DeployCliOptions): DeployOptions {
  const path = context.requirePath(options.path);
  const width =
    options.width === undefined ? context.defaults.width : parseWholeNumber(options.width, '--width', 1);
  return {
    path,
    warFile,
    ...(options.version === undefined ? {} : { version: options.version }),
    ...(options.semver === undefined ? {} : { semver: options.semver }),
    ...(width === undefined ? {} : { width }),
    ...(options.update ? { update: true } : {}),
    ...(options.tag === undefined ? {} : { tag: options.tag }),
    signal: context.signal,
    logger: context.output.logger,
  };
}

/** The JSON document: the DeployResult, with `previousLive: null` on a first deploy. */
export function deployDocument(result: DeployResult) {
  return {
    target: result.target,
    path: result.path,
    version: result.version,
    displayName: result.displayName,
    live: result.live,
    previousLive: result.previousLive ?? null,
    olderVersions: result.olderVersions.map(({ version, sessions }) => ({ version, sessions })),
    bytes: result.bytes,
    durationMs: result.durationMs,
  };
}

/** `Version 004 of /shop is live on web1 (was 003).` and where the old sessions are. */
export function renderDeploy(result: DeployResult): string {
  const was = result.previousLive === undefined ? '' : ` (was ${showVersion(result.previousLive)})`;
  const lines = [`Version ${result.version} of ${result.path} is live on ${result.target}${was}.`];
  // Newest first: the version just replaced is the one a rollback would return to.
  const holding = result.olderVersions.filter((older) => older.sessions > 0).reverse();
  if (holding.length > 0) {
    const list = holding.map((older) => `${showVersion(older.version)}: ${older.sessions}`).join(', ');
    lines.push(`Sessions remaining on older versions: ${list}.`);
  } else if (result.olderVersions.length > 0) {
    lines.push('No sessions remain on older versions.');
  }
  return lines.join('\n');
}
