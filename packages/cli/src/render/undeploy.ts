import type { UndeployResult } from '@tomcat-pd/core';
import { displayName } from '@tomcat-pd/core/internal';
import { errorsDocument, type TargetError } from '../target-outcomes.js';
import { leaksDocument, renderLeaks } from './leaks.js';
import { probesDocument, renderProbes } from './probes.js';

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
    probes: probesDocument(results.flatMap((result) => result.probes)),
    ...(results.some((result) => result.leaks !== undefined) ? { leaks: leaksDocument(results) } : {}),
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
  const leaks = renderLeaks(results);
  return [
    ...done,
    ...renderProbes(results.flatMap((result) => result.probes)),
    ...(leaks === '' ? [] : [leaks]),
  ].join('\n');
}
