import type { LockRequest } from '../command-line.js';

/** How a command takes its lock besides its scope. */
type LockWay = Pick<LockRequest, 'skipUnreachable'>;

/** The release lock of one app on every selected target (deploy, rollback, undeploy, drain --path). */
export function appLock(command: string, path: string, way: LockWay = {}): LockRequest {
  return { scope: { kind: 'app', path }, command, ...way };
}

/** The release lock of whole targets (restart, lb, a drain of every app): the selected ones, or those named. */
export function targetLock(command: string, targets?: readonly string[], way: LockWay = {}): LockRequest {
  return { scope: { kind: 'target' }, command, targets, ...way };
}
