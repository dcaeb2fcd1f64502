import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { describeDrainCause, type DrainCause } from './plan-drain.js';

/** What became of one version in a drain: the outcome, with what it depends on. */
export type DrainStep =
  /** A dry run: it would be undeployed (or expired, then undeployed). */
  | { outcome: 'planned' }
  /** Kept, as decided. */
  | { outcome: 'kept' }
  /** Drained, but not yet for the whole grace period. */
  | { outcome: 'waiting'; graceLeftMs: number }
  /** The re-check right before the undeploy decided otherwise; no `recheck` when it was gone. */
  | { outcome: 'skipped'; recheck: DrainCause | undefined }
  | { outcome: 'undeployed' }
  /** A step failed (the expiry or the undeploy); the drain went on with the others. */
  | { outcome: 'failed'; error: TomcatPdError };

/**
 * A step in words for people, or `undefined` when the outcome says it all: why it was skipped,
 * failed or is waiting, else how many sessions were expired first.
 */
export function describeDrainStep(step: DrainStep, expiredSessions: number | undefined): string | undefined {
  switch (step.outcome) {
    case 'failed':
      return step.error.message;
    case 'waiting':
      return `drained; waiting ${Math.ceil(step.graceLeftMs / 1000)} s more of the grace period`;
    case 'skipped':
      return step.recheck === undefined
        ? 'gone on re-check'
        : `on re-check: ${describeDrainCause(step.recheck)}`;
    default:
      return expiredSessions === undefined
        ? undefined
        : `${expiredSessions} idle session${expiredSessions === 1 ? '' : 's'} expired`;
  }
}
