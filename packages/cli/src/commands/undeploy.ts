import {
  displayName,
  onEachTarget,
  undeployVersion,
  usageError,
  validateContextPath,
  validateVersion,
  type UndeployResult,
} from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { errorsDocument, reportOutcomes, type TargetError } from '../target-outcomes.js';

interface UndeployCliOptions {
  path?: string;
  /** Required by commander (`requiredOption`). */
  version?: string;
  force?: boolean;
}

/**
 * `tomcat-pd undeploy --path P --version V [--force]` on every selected target, each on its
 * own: the targets that answered are reported, then the first failed one decides the exit code.
 */
export async function run(context: CliContext, _args: unknown[], options: UndeployCliOptions): Promise<void> {
  const { version } = options;
  if (version === undefined) throw usageError('--version is required.');
  // Checked once before any request, so that a bad input is one usage error, not one per target.
  const path = validateContextPath(context.requirePath(options.path));
  if (version !== '') validateVersion(version);
  const clients = await context.clients();
  const outcomes = await onEachTarget(
    clients,
    (client) =>
      undeployVersion(client, {
        path,
        version,
        ...(options.force ? { force: true } : {}),
        signal: context.signal,
        logger: context.output.logger,
      }),
    { parallel: context.parallel },
  );
  reportOutcomes(context, outcomes, {
    document: (results, errors) => undeployDocument(path, version, results, errors),
    render: renderUndeploy,
  });
}

/** The JSON document (documented in the README): one entry per target that undeployed, and the errors. */
export function undeployDocument(
  path: string,
  version: string,
  results: UndeployResult[],
  errors: TargetError[],
) {
  return {
    path,
    version,
    targets: results.map(({ target, wasLive, sessionsLost }) => ({ target, wasLive, sessionsLost })),
    errors: errorsDocument(errors),
  };
}

/**
 * `Undeployed /shop##003 from web1 (it was live; 2 sessions lost).` per target that did, and
 * `web3: not undeployed (...)` per target that did not (its error also goes to stderr).
 */
export function renderUndeploy(results: UndeployResult[]): string {
  const done = results.map((result) => {
    const lost = `${result.sessionsLost} ${result.sessionsLost === 1 ? 'session' : 'sessions'} lost`;
    let note = '';
    if (result.wasLive) note = ` (it was live; ${lost})`;
    else if (result.sessionsLost > 0) note = ` (${lost})`;
    return `Undeployed ${displayName(result.path, result.version)} from ${result.target}${note}.`;
  });
  return done.join('\n');
}
