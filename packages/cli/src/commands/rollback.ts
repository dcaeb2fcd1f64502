import { fleetRollback, type RollbackResult } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { showVersion } from '../render-role.js';

interface RollbackCliOptions {
  path?: string;
  to?: string;
  stop?: boolean;
}

/**
 * `tomcat-pd rollback --path P [--to V] [--stop]` on every selected target. If any target would
 * be left without an older running version, the core refuses and nothing changes anywhere.
 */
export async function run(context: CliContext, _args: unknown[], options: RollbackCliOptions): Promise<void> {
  const path = context.requirePath(options.path);
  const result = await fleetRollback(await context.clients(), {
    path,
    ...(options.to === undefined ? {} : { to: options.to }),
    ...(options.stop ? { stop: true } : {}),
    parallel: context.parallel,
    signal: context.signal,
    logger: context.output.logger,
  });
  context.output.result(rollbackDocument(result), () => renderRollback(result.targets));
  // After the result, on stderr: with --stop the warning is the part a person must act on.
  // Once each: with --stop, targets that stopped the same versions give the same warning.
  for (const warning of new Set(result.targets.flatMap((target) => target.warnings))) {
    context.output.warn(warning);
  }
}

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
  };
}

/** One line per target: `web1: 003 is live again (undeployed 004, 005; 3 sessions lost)`. */
export function renderRollback(targets: RollbackResult[]): string {
  return targets
    .map((result) => {
      const details = [`${result.action} ${result.versions.map(showVersion).join(', ')}`];
      if (result.sessionsLost > 0) {
        details.push(`${result.sessionsLost} ${result.sessionsLost === 1 ? 'session' : 'sessions'} lost`);
      }
      return `${result.target}: ${showVersion(result.live)} is live again (${details.join('; ')})`;
    })
    .join('\n');
}
