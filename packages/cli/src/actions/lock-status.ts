import {
  errorData,
  readLocks,
  validateContextPath,
  type LockScope,
  type TargetLocks,
} from '@tomcat-pd/core/internal';
import { cliWords } from '../hint-words.js';
import type { CommandLine } from '../command-line.js';
import type { LockStatusFlags } from '../commands/lock.js';
import type { CliContext } from '../context.js';
import { holderDocument, lockedBy, lockScopeWords, utcTime } from '../lock/lock-words.js';

export function parse({ flags }: CommandLine<LockStatusFlags>): { scope: LockScope | undefined } {
  return {
    scope: flags.path === undefined ? undefined : { kind: 'app', path: validateContextPath(flags.path) },
  };
}

/**
 * `tomcat-pd lock status [--path P]`: every lock's holders on each target, read from one `list`
 * per target with the target's own clock. A target that cannot be read is shown; its error then
 * decides the exit code.
 */
export async function run(context: CliContext, input: { scope: LockScope | undefined }): Promise<void> {
  const readings = await readLocks(await context.clients(), { scope: input.scope, signal: context.signal });
  context.output.result({ targets: readings.map(targetDocument) }, () =>
    readings.map(renderTarget).join('\n'),
  );
  const failed = readings.find((reading) => reading.kind === 'unreadable');
  if (failed?.kind === 'unreadable') throw failed.error;
}

function targetDocument(reading: TargetLocks) {
  if (reading.kind === 'unreadable')
    return { target: reading.target, error: errorData(reading.error, cliWords) };
  return {
    target: reading.target,
    now: reading.now.toISOString(),
    clock: reading.clock,
    holders: reading.holders.map(holderDocument),
    unreadable: reading.unreadable,
    paused: reading.pausedPayloads.length > 0,
  };
}

function renderTarget(reading: TargetLocks): string {
  if (reading.kind === 'unreadable') return `${reading.target}: cannot be read (${reading.error.message})`;
  const clock = reading.clock === 'target' ? '' : " (no Date header: judged on this machine's clock)";
  const lines = [
    ...reading.holders.map((holder) => `  ${lockScopeWords(holder)}: ${lockedBy(holder)}`),
    ...reading.unreadable.map(
      (path) => `  an unreadable lock record, held until removed with --force: ${path}`,
    ),
  ];
  const head = `${reading.target} at ${utcTime(reading.now)}${clock}:`;
  return lines.length === 0 ? `${head} no lock` : [head, ...lines].join('\n');
}
