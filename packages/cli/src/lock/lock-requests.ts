import type { LockRequest } from '../command-line.js';

/** The release lock of one app on every selected target (deploy, rollback, undeploy, drain --path). */
export function appLock(command: string, path: string): LockRequest {
  return { scope: { kind: 'app', path }, command };
}

/** The release lock of whole targets (restart, lb, a drain of every app): the selected ones, or those named. */
export function targetLock(command: string, targets?: readonly string[]): LockRequest {
  return { scope: { kind: 'target' }, command, targets };
}
