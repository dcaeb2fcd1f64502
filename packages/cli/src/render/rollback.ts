import type { RollbackResult } from '@tomcat-pd/core';
import { leaksDocument, renderLeaks } from './leaks.js';
import { probesDocument, renderProbes } from './probes.js';
import { showVersion } from './role.js';

/** The JSON document (documented in the README): per target, the RollbackResult (its warnings as data). */
export function rollbackDocument(result: { path: string; targets: RollbackResult[] }) {
  return {
    path: result.path,
    targets: result.targets.map(({ target, from, live, action, versions, sessionsLost, warnings }) => ({
      target,
      from,
      live,
      action,
      versions,
      sessionsLost,
      warnings,
    })),
    probes: probesDocument(result.targets.flatMap((target) => target.probes)),
    ...(result.targets.some((target) => target.leaks !== undefined)
      ? { leaks: leaksDocument(result.targets) }
      : {}),
  };
}

/** One line per target: `web1: 003 is live again (undeployed 004, 005; 3 sessions lost)`. */
export function renderRollback(targets: RollbackResult[]): string {
  const lines = targets.map((result) => {
    const details = [`${result.action} ${result.versions.map(showVersion).join(', ')}`];
    if (result.sessionsLost > 0) {
      details.push(`${result.sessionsLost} ${result.sessionsLost === 1 ? 'session' : 'sessions'} lost`);
    }
    return `${result.target}: ${showVersion(result.live)} is live again (${details.join('; ')})`;
  });
  const leaks = renderLeaks(targets);
  return [
    ...lines,
    ...renderProbes(targets.flatMap((target) => target.probes)),
    ...(leaks === '' ? [] : [leaks]),
  ].join('\n');
}
