import type { AppStatus, VersionStatus } from './app-status.js';
import { usageError } from './errors.js';
import { failedBeforeUnpacking } from './failed-start.js';
import { compareVersions } from './version-order.js';

export interface DrainPlanOptions {
  /** Spare this many of the newest running versions below the live one, as rollback targets (default 0). */
  keep?: number;
  /** Expire sessions idle for at least this many minutes first, then undeploy if none is left. */
  expireIdleMinutes?: number;
}

export type DrainAction = 'undeploy' | 'expire-then-undeploy' | 'keep';

export interface DrainDecision {
  version: string;
  state: VersionStatus['state'];
  role: VersionStatus['role'];
  sessions: number;
  action: DrainAction;
  /** Why, in words for people: `live`, `draining: 3 sessions`, ... */
  reason: string;
}

export interface AppDrainPlan {
  path: string;
  live: string | undefined;
  decisions: DrainDecision[];
}

/**
 * Decides, for every version of every app, what a drain does and why (safety rule 1): never
 * the live version, never a version with sessions unless idle ones may be expired first, never
 * a stopped version newer than the live one (a roll-forward target), and the `keep` newest
 * running versions below the live one stay as rollback targets. A stopped version that failed
 * to start before Tomcat could unpack it (a cut-off upload that a restart deployed again, see
 * {@link failedBeforeUnpacking}) is no roll-forward target: it goes, newer than the live one or
 * not. Pure.
 */
export function planDrain(apps: readonly AppStatus[], options: DrainPlanOptions = {}): AppDrainPlan[] {
  const keep = options.keep ?? 0;
  if (!Number.isInteger(keep) || keep < 0) throw usageError(`keep must be a whole number >= 0, not ${keep}.`);
  const idle = options.expireIdleMinutes;
  if (idle !== undefined && (!Number.isInteger(idle) || idle < 0)) {
    throw usageError(`The idle time for expiring sessions must be whole minutes >= 0, not ${idle}.`);
  }
  return apps.map((app) => planApp(app, keep, idle));
}

function planApp(app: AppStatus, keep: number, idle: number | undefined): AppDrainPlan {
  const { live } = app;
  // Running versions below the live one are the ones a rollback could fall back to.
  const olderRunning = app.versions.filter((entry) => entry.role === 'draining' || entry.role === 'drained');
  const rollbackTargets = new Set(keep > 0 ? olderRunning.slice(-keep).map((entry) => entry.version) : []);
  const decide = (entry: VersionStatus): Pick<DrainDecision, 'action' | 'reason'> => {
    if (live === undefined) return keepIt('no version of this app runs, so none is drained');
    if (entry.version === live) return keepIt('live');
    if (failedBeforeUnpacking(app, entry)) {
      return {
        action: 'undeploy',
        reason:
          'stopped: failed to start, its WAR never unpacked (corrupt or cut off); no roll-forward target',
      };
    }
    if (compareVersions(entry.version, live) > 0) {
      return keepIt(
        'stopped and newer than the live version: kept for a roll-forward (undeploy it explicitly)',
      );
    }
    if (rollbackTargets.has(entry.version)) return keepIt(`kept for rollback (keep ${keep})`);
    if (entry.state === 'stopped')
      return { action: 'undeploy', reason: 'stopped, older than the live version' };
    if (entry.sessions === 0) return { action: 'undeploy', reason: 'drained: no sessions' };
    const sessions = `${entry.sessions} session${entry.sessions === 1 ? '' : 's'}`;
    if (idle === undefined) return keepIt(`draining: ${sessions}`);
    return {
      action: 'expire-then-undeploy',
      reason: `${sessions}: expire those idle for ${idle}+ minutes, then undeploy if none is left`,
    };
  };
  return {
    path: app.path,
    live,
    decisions: app.versions.map((entry) => ({
      version: entry.version,
      state: entry.state,
      role: entry.role,
      sessions: entry.sessions,
      ...decide(entry),
    })),
  };
}

function keepIt(reason: string): Pick<DrainDecision, 'action' | 'reason'> {
  return { action: 'keep', reason };
}
