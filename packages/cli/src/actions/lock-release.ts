import { UsageError } from '@tomcat-pd/core/errors';
import {
  releaseLock,
  validateContextPath,
  type LockScope,
  type ReleasedLocks,
} from '@tomcat-pd/core/internal';
import type { CommandLine } from '../command-line.js';
import type { LockReleaseFlags } from '../commands/lock.js';
import type { CliContext } from '../context.js';
import { holderDocument, lockedBy } from '../lock/lock-words.js';

interface LockReleaseInput {
  scope: LockScope;
  force: boolean;
}

export function parse({ flags, defaults }: CommandLine<LockReleaseFlags>): LockReleaseInput {
  if (flags.wholeTarget === true) {
    if (flags.path !== undefined) throw new UsageError('Give either --path or --whole-target, not both.');
    return { scope: { kind: 'target' }, force: flags.force === true };
  }
  const path = flags.path ?? defaults.path;
  if (path === undefined) {
    throw new UsageError('lock release needs --path (an app lock) or --whole-target (the target lock).');
  }
  return { scope: { kind: 'app', path: validateContextPath(path) }, force: flags.force === true };
}

/**
 * `tomcat-pd lock release --path P [--force]`: the lock's expired records removed on every target;
 * with --force its live ones too (a holder that crashed). A live holder without --force is exit 5.
 */
export async function run(context: CliContext, input: LockReleaseInput): Promise<void> {
  const released = await releaseLock(await context.clients(), { ...input, signal: context.signal });
  context.output.result({ targets: released.map(releasedDocument) }, () =>
    released.map(renderReleased).join('\n'),
  );
}

function releasedDocument(released: ReleasedLocks) {
  return {
    target: released.target,
    removed: released.removed.map(holderDocument),
    removedUnreadable: released.removedUnreadable,
  };
}

function renderReleased(released: ReleasedLocks): string {
  const removed = [
    ...released.removed.map((holder) => `removed the lock ${lockedBy(holder)}`),
    ...released.removedUnreadable.map((path) => `removed an unreadable lock record ${path}`),
  ];
  return removed.length === 0
    ? `${released.target}: nothing to remove`
    : removed.map((line) => `${released.target}: ${line}`).join('\n');
}
