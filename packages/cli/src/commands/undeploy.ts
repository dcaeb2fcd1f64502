import { displayName, undeployVersion, usageError, type UndeployResult } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';

interface UndeployCliOptions {
  path?: string;
  /** Required by commander (`requiredOption`). */
  version?: string;
  force?: boolean;
}

/** `tomcat-pd undeploy --path P --version V [--force]` */
export async function run(context: CliContext, _args: unknown[], options: UndeployCliOptions): Promise<void> {
  const path = context.requirePath(options.path);
  if (options.version === undefined) throw usageError('--version is required.');
  const client = await context.client();
  const result = await undeployVersion(client, {
    path,
    version: options.version,
    ...(options.force ? { force: true } : {}),
    signal: context.signal,
    logger: context.output.logger,
  });
  context.output.result(undeployDocument(result), () => renderUndeploy(result));
}

/** The JSON document: the UndeployResult. */
export function undeployDocument(result: UndeployResult) {
  const { target, path, version, wasLive, sessionsLost } = result;
  return { target, path, version, wasLive, sessionsLost };
}

/** `Undeployed /shop##003 from web1 (it was live; 2 sessions lost).` */
export function renderUndeploy(result: UndeployResult): string {
  const lost = `${result.sessionsLost} ${result.sessionsLost === 1 ? 'session' : 'sessions'} lost`;
  let note = '';
  if (result.wasLive) note = ` (it was live; ${lost})`;
  else if (result.sessionsLost > 0) note = ` (${lost})`;
  return `Undeployed ${displayName(result.path, result.version)} from ${result.target}${note}.`;
}
