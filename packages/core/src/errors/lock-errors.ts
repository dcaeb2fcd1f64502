/**
 * The errors of the release lock (docs/lock.md): held by another controller (`E_LOCKED`), lost
 * while held (`E_LOCK_LOST`), and a target where the lock could not be taken (the cause's code).
 */
import { ErrorCode } from './error-codes.js';
import { errorData } from './error-data.js';
import type { HintWords } from './hints.js';
import { TomcatPdError, type TomcatPdErrorOptions } from './tomcat-pd-error.js';

/** Who holds a lock, as an error tells it (the lock's own `LockHolder` without its parsing details). */
export interface LockHolderFacts {
  target: string;
  actor: string;
  command: string;
  since: Date;
  /** `undefined`: a paused rollout's lock, which never expires. */
  expires: Date | undefined;
}

/** Another controller holds the lock on a target (`E_LOCKED`): nothing was changed. */
export class LockedError extends TomcatPdError {
  readonly holder: LockHolderFacts;

  constructor(message: string, holder: LockHolderFacts, options: Omit<TomcatPdErrorOptions, 'status'> = {}) {
    super(ErrorCode.locked, message, options);
    this.name = 'LockedError';
    this.holder = holder;
  }

  protected override details(): Record<string, unknown> {
    const { target, actor, command, since, expires } = this.holder;
    return {
      holder: {
        target,
        actor,
        command,
        since: since.toISOString(),
        expires: expires === undefined ? null : expires.toISOString(),
      },
    };
  }
}

/**
 * The lock this process held is gone from a target (`E_LOCK_LOST`): released with `--force`, or
 * expired and taken by another. The command stops as on Ctrl-C: what it was changing is stopped
 * (a deploy undoes its own version, all or nothing), and it starts no further change.
 */
export class LockLostError extends TomcatPdError {
  readonly target: string;

  constructor(message: string, target: string, options: Omit<TomcatPdErrorOptions, 'status'> = {}) {
    super(ErrorCode.lockLost, message, options);
    this.name = 'LockLostError';
    this.target = target;
  }

  protected override details(): Record<string, unknown> {
    return { target: this.target };
  }
}

/**
 * The lock could not be taken on a target (unreachable, refused): the ones taken before were
 * released. `code` is the cause's, so that the exit code says why (4 for a connection).
 */
export class LockTargetError extends TomcatPdError {
  readonly target: string;
  readonly failure: TomcatPdError;
  /** Records that could not be removed again, each with when it expires. */
  readonly left: readonly { target: string; expires: Date }[];

  constructor(failure: TomcatPdError, message: string, target: string, left: LockTargetError['left']) {
    super(failure.code, message, { hint: failure.hintParts });
    this.name = 'LockTargetError';
    this.target = target;
    this.failure = failure;
    this.left = left;
  }

  protected override details(words: HintWords): Record<string, unknown> {
    return {
      target: this.target,
      failure: errorData(this.failure, words),
      left: this.left.map(({ target, expires }) => ({ target, expires: expires.toISOString() })),
    };
  }
}
