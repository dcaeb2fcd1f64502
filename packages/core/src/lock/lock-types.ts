/**
 * The release lock kept on the targets themselves (docs/lock.md): its scopes, what a reader learns
 * of a holder, and what a holder can do with it. The types only; the protocol is in acquire-lock.ts.
 */
import type { Logger } from '../common/logger.js';
import type { TomcatPdError } from '../errors/tomcat-pd-error.js';

/** What a lock guards: one app (deploy, rollback, undeploy, drain), or a whole target (restart, lb). */
export type LockScope = { kind: 'app'; path: string } | { kind: 'target' };

/** One holder as one target's `list` shows it (all records of one nonce count as one holder). */
export interface LockHolder {
  scope: LockScope;
  /** Random per acquisition: what tells a holder's own records from everyone else's. */
  nonce: string;
  /** The command that holds it (`deploy`, `restart`, `lb-drain`, ..., `paused`). */
  command: string;
  /** `user@host`, or `$TOMCAT_PD_ACTOR`. */
  actor: string;
  /** On the target's clock, when the lock was first taken. */
  since: Date;
  /** On the target's clock; `undefined` for a paused rollout's lock, which never expires. */
  expires: Date | undefined;
  paused: boolean;
  /** Whether it expired by the target's clock (the `Date` of the `list` it was read in). */
  expired: boolean;
  /** The target's name. */
  target: string;
}

/** What one target's records say. */
export type TargetLocks =
  | {
      kind: 'read';
      target: string;
      holders: LockHolder[];
      /** Each paused rollout's payload (opaque text) whose records are all there: one per app in scope. */
      pausedPayloads: string[];
      /** Records under the lock's root that do not read: each counts as held until removed by force. */
      unreadable: string[];
      /** The time of the read: the target's clock (its `Date` header), or this machine's when the answer had none. */
      now: Date;
      clock: 'target' | 'controller';
    }
  | { kind: 'unreadable'; target: string; error: TomcatPdError };

/** What `releaseLock` did on one target. */
export interface ReleasedLocks {
  target: string;
  /** The holders whose records were removed (expired ones; every one with `force`). */
  removed: LockHolder[];
  /** Unreadable records removed (with `force` only). */
  removedUnreadable: string[];
}

export interface ReleaseLockOptions {
  scope: LockScope;
  /** Remove live records too (a holder known to be gone); without it only expired ones go. */
  force?: boolean | undefined;
  signal?: AbortSignal | undefined;
}

export interface ReadLocksOptions {
  /** Only the holders that conflict with a lock of this scope; all of them without one. */
  scope?: LockScope | undefined;
  signal?: AbortSignal | undefined;
}

export interface AcquireLockOptions {
  scope: LockScope;
  /** The command taking it (`deploy`, `restart`, `lb-drain`, ...): what others see. */
  command: string;
  /** `user@host`; see the CLI's `actorOf`. */
  actor: string;
  /**
   * How long a record lives without renewal, on the target's clock; renewed every third of it.
   * @defaultValue 900 000 (15 min)
   */
  ttlMs?: number | undefined;
  /**
   * How long to wait for another holder to go, holding nothing meanwhile; 0 = three quick
   * jittered tries, then `LockedError`.
   * @defaultValue 0
   */
  waitMs?: number | undefined;
  /**
   * Go on without a target that cannot be reached (`E_CONNECT`) instead of failing: for commands
   * whose targets are each on their own (drain, undeploy), which report that target themselves;
   * it cannot be changed by them anyway. @defaultValue false
   */
  skipUnreachable?: boolean | undefined;
  /** Take over a paused rollout's lock (promote, abort): its payload comes back in `HeldLock.paused`. */
  takeover?: 'paused' | undefined;
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
}

/** A paused rollout taken over. */
export interface PausedRollout {
  /** The opaque text `HeldLock.pause` stored. */
  payload: string;
  actor: string;
  since: Date;
}

/** The lock, held on every target of the list given to `acquireLock`. */
export interface HeldLock {
  /** Aborted, with a `LockLostError` as its reason, when the lock is found lost on a target. */
  readonly lost: AbortSignal;
  /** With `takeover: 'paused'`: the paused rollout taken over; `undefined` when none was paused. */
  readonly paused: PausedRollout | undefined;
  /**
   * Keeps the lock as a paused rollout's on every target, with `payload` (opaque text) for a
   * later takeover, and drops the live records: the lock then never expires and is no longer
   * renewed by this process.
   */
  pause(payload: string): Promise<void>;
  /** Removes this holder's records (and, after a takeover, the paused rollout's) in reverse target order. */
  release(): Promise<void>;
}
