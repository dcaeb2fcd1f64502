import { rollback, type RollbackResult } from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { showVersion } from '../render-role.js';

interface RollbackCliOptions {
  path?: string;
  to?: string;
  stop?: boolean;
}

/** `tomcat-pd rollback --path P [--to V] [--stop]` */
export async function run(context: CliContext, _args: unknown[], options: RollbackCliOptions): Promise<void> {
  const path = context.requirePath(options.path);
  const client = await context.client();
  const result = await rollback(client, {
    path,
    ...(options.to === undefined ? {} : { to: options.to }),
    ...(options.stop ? { stop: true } : {}),
    signal: context.signal,
    logger: context.output.logger,
  });
  context.output.result(rollbackDocument(result), () => renderRollback(result));
  // After the result, on stderr: with --stop the warning is the part a person must act on.
  for (const warning of result.warnings) context.output.warn(warning);
}

/** The JSON document: the RollbackResult (its warnings included, as data). */
export function rollbackDocument(result: RollbackResult) {
  const { target, path, from, live, action, versions, sessionsLost, warnings } = result;
  return { target, path, from, live, action, versions, sessionsLost, warnings };
}

/** `Rolled back /shop on web1: 003 is live again (undeployed 004, 005; 3 sessions lost).` */
export function renderRollback(result: RollbackResult): string {
  const details = [`${result.action} ${result.versions.map(showVersion).join(', ')}`];
  if (result.sessionsLost > 0) {
    details.push(`${result.sessionsLost} ${result.sessionsLost === 1 ? 'session' : 'sessions'} lost`);
  }
  return (
    `Rolled back ${result.path} on ${result.target}: ${showVersion(result.live)} is live again ` +
    `(${details.join('; ')}).`
  );
}
