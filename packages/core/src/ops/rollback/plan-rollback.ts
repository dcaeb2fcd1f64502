import type { AppStatus } from '../app-status.js';
import { UnsafeOperationError, notFoundError } from '../../errors/error-classes.js';
import { compareVersions } from '../../versions/version-order.js';

export interface RollbackPlanOptions {
  /** The version to fall back to; default: the newest running version below the live one. */
  to?: string | undefined;
}

export interface RollbackPlan {
  path: string;
  /** The live version now. */
  from: string;
  /** The version that will be live afterwards. */
  to: string;
  /** Every version above `to`, in the order to remove them: the live one last. */
  remove: { version: string; state: 'running' | 'stopped'; sessions: number }[];
}

/**
 * Rollback removes the newest version(s) only while an older running version remains to take
 * the traffic (safety rule 4). Tomcat routes new visitors to the greatest *running* version,
 * so everything that sorts above `to`, running or stopped, goes: a stopped one would come
 * back at the next Tomcat restart and take the traffic again.
 */
export function planRollback(app: AppStatus, options: RollbackPlanOptions = {}): RollbackPlan {
  const from = app.live;
  if (from === undefined) {
    throw new UnsafeOperationError(
      'no-live-version',
      `Rollback of ${app.path} refused: no version of it is running.`,
    );
  }
  const running = app.versions.filter((entry) => entry.state === 'running');
  const to = options.to ?? running.filter((entry) => entry.version !== from).at(-1)?.version;
  if (to === undefined) {
    throw new UnsafeOperationError(
      'no-older-running-version',
      `Rollback of ${app.path} refused: no older version is running to take the traffic (only ${from} runs).`,
      { hint: 'Deploy the previous build again as a new version instead.' },
    );
  }
  checkTarget(app, to, from);
  return {
    path: app.path,
    from,
    to,
    remove: app.versions
      .filter((entry) => compareVersions(entry.version, to) > 0)
      .map(({ version, state, sessions }) => ({ version, state, sessions })),
  };
}

function checkTarget(app: AppStatus, to: string, from: string): void {
  const target = app.versions.find((entry) => entry.version === to);
  if (target === undefined) {
    throw notFoundError(`Version ${to} of ${app.path} does not exist.`, `Versions: ${listVersions(app)}.`);
  }
  if (to === from) {
    throw new UnsafeOperationError(
      'rollback-target-not-older',
      `Version ${to} of ${app.path} is already live: there is nothing to roll back.`,
    );
  }
  if (target.state !== 'running') {
    throw new UnsafeOperationError(
      'rollback-target-stopped',
      `Rollback of ${app.path} to ${to} refused: ${to} is stopped and could not take the traffic.`,
      { hint: `Roll back to a running version (${runningVersions(app)}).` },
    );
  }
  if (compareVersions(to, from) > 0) {
    throw new UnsafeOperationError(
      'rollback-target-not-older',
      `Version ${to} sorts above the live version ${from}: a rollback goes to an older one.`,
    );
  }
}

function listVersions(app: AppStatus): string {
  return (
    app.versions.map((entry) => `${entry.version || '(unversioned)'} ${entry.state}`).join(', ') || 'none'
  );
}

function runningVersions(app: AppStatus): string {
  return (
    app.versions
      .filter((entry) => entry.state === 'running')
      .map((entry) => entry.version)
      .join(', ') || 'none'
  );
}
