import { withDefaults } from '../common/defaults.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { usageError } from '../errors/error-classes.js';
import { validateContextPath } from '../versions/context-name.js';
import { LOCK_DEFAULTS } from './lock-defaults.js';
import type { AcquireLockOptions, LockScope } from './lock-types.js';

/** The shortest time-to-live: a renewal every third of it must have time to go round a fleet. */
export const MIN_TTL_MS = 3_000;

/** Tries after the first when not waiting: two contenders that start together see each other and both back off. */
export const QUICK_RETRIES = 3;

/** `acquireLock`'s options, checked. */
export interface AcquireLockSpec {
  readonly scope: LockScope;
  readonly command: string;
  readonly actor: string;
  readonly ttlMs: number;
  readonly waitMs: number;
  readonly takeover: 'paused' | undefined;
  readonly signal: AbortSignal | undefined;
  readonly logger: Logger;
}

/** Checks the options once, before any request. @throws UsageError */
export function parseAcquireLockOptions(options: AcquireLockOptions): AcquireLockSpec {
  const merged = withDefaults(options, { ...LOCK_DEFAULTS, logger: silentLogger });
  if (!Number.isSafeInteger(merged.ttlMs) || merged.ttlMs < MIN_TTL_MS) {
    throw usageError(
      `The lock's time-to-live must be a whole number of ms, at least ${MIN_TTL_MS}: got ${merged.ttlMs}.`,
    );
  }
  if (!Number.isSafeInteger(merged.waitMs) || merged.waitMs < 0) {
    throw usageError(`The lock wait must be a whole number of ms, 0 or more: got ${merged.waitMs}.`);
  }
  if (merged.command.trim() === '' || merged.actor.trim() === '') {
    throw usageError('A lock needs the command that takes it and its actor.');
  }
  const scope: LockScope =
    merged.scope.kind === 'app'
      ? { kind: 'app', path: validateContextPath(merged.scope.path) }
      : { kind: 'target' };
  return {
    scope,
    command: merged.command,
    actor: merged.actor,
    ttlMs: merged.ttlMs,
    waitMs: merged.waitMs,
    takeover: merged.takeover,
    signal: merged.signal,
    logger: merged.logger,
  };
}
