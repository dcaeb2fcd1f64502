import type { AppStatus, VersionStatus } from '../app-status.js';
import { withDefaults } from '../../common/defaults.js';
import { usageError } from '../../errors/error-classes.js';
import { failedBeforeUnpacking } from './failed-start.js';
import { compareVersions } from '../../versions/version-order.js';

export interface DrainPlanOptions {
  /**
   * Spare this many of the newest running versions below the live one, as rollback targets.
   * @defaultValue 0
   */
  keep?: number | undefined;
  /** Expire sessions idle for at least this many minutes first, then undeploy if none is left. */
  expireIdleMinutes?: number | undefined;
}

export const DRAIN_PLAN_DEFAULTS = { keep: 0 } satisfies DrainPlanOptions;

export type DrainAction = 'undeploy' | 'expire-then-undeploy' | 'keep';

/** Why a drain keeps or removes a version: the decision as data ({@link describeDrainCause} words it). */
export type DrainCause =
  /** Removed: the temporary context of a smoke test that no deploy removed (a killed run). */
  | { kind: 'smoke-leftover' }
  /** Kept: no version of the app runs, so none is drained. */
  | { kind: 'no-live-version' }
  /** Kept: the version new visitors get. */
  | { kind: 'live' }
  /** Removed: stopped, and its WAR never unpacked (see {@link failedBeforeUnpacking}). */
  | { kind: 'never-unpacked' }
  /** Kept: stopped and newer than the live version, so a roll-forward could start it again. */
  | { kind: 'roll-forward-target' }
  /** Kept: one of the `keep` newest running versions below the live one. */
  | { kind: 'rollback-target'; keep: number }
  /** Removed: stopped and older than the live version. */
  | { kind: 'stopped-older' }
  /** Removed: running, not live, no sessions left. */
  | { kind: 'drained' }
  /** Kept: running, not live, with sessions. */
  | { kind: 'has-sessions'; sessions: number }
  /** Removed if none is left after its sessions idle for `idleMinutes` or more are expired. */
  | { kind: 'expire-idle'; sessions: number; idleMinutes: number };

export interface DrainDecision {
  version: string;
  state: VersionStatus['state'];
  role: VersionStatus['role'];
  sessions: number;
  action: DrainAction;
  cause: DrainCause;
  /** The cause in words for people ({@link describeDrainCause}). */
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
  return planDrainWith(apps, parseDrainPlanOptions(options));
}

/** The plan's options, checked: what {@link planDrainWith} decides with. */
export interface DrainPlanSpec {
  readonly keep: number;
  readonly expireIdleMinutes: number | undefined;
}

/** Checks the plan's options. @throws UsageError naming what is wrong. */
export function parseDrainPlanOptions(options: DrainPlanOptions): DrainPlanSpec {
  const { keep, expireIdleMinutes } = withDefaults(options, DRAIN_PLAN_DEFAULTS);
  if (!Number.isInteger(keep) || keep < 0) throw usageError(`keep must be a whole number >= 0, not ${keep}.`);
  if (expireIdleMinutes !== undefined && (!Number.isInteger(expireIdleMinutes) || expireIdleMinutes < 0)) {
    throw usageError(
      `The idle time for expiring sessions must be whole minutes >= 0, not ${expireIdleMinutes}.`,
    );
  }
  return { keep, expireIdleMinutes };
}

/** {@link planDrain} with its options checked. */
export function planDrainWith(apps: readonly AppStatus[], spec: DrainPlanSpec): AppDrainPlan[] {
  return apps.map((app) => planApp(app, spec.keep, spec.expireIdleMinutes));
}

function planApp(app: AppStatus, keep: number, idleMinutes: number | undefined): AppDrainPlan {
  // Running versions below the live one are the ones a rollback could fall back to.
  const olderRunning = app.versions.filter((entry) => entry.role === 'draining' || entry.role === 'drained');
  const rollbackTargets = new Set(keep > 0 ? olderRunning.slice(-keep).map((entry) => entry.version) : []);
  const causeOf = (entry: VersionStatus): DrainCause => {
    if (entry.role === 'smoke') return { kind: 'smoke-leftover' };
    if (app.live === undefined) return { kind: 'no-live-version' };
    if (entry.version === app.live) return { kind: 'live' };
    if (failedBeforeUnpacking(app, entry)) return { kind: 'never-unpacked' };
    if (compareVersions(entry.version, app.live) > 0) return { kind: 'roll-forward-target' };
    if (rollbackTargets.has(entry.version)) return { kind: 'rollback-target', keep };
    if (entry.state === 'stopped') return { kind: 'stopped-older' };
    if (entry.sessions === 0) return { kind: 'drained' };
    if (idleMinutes === undefined) return { kind: 'has-sessions', sessions: entry.sessions };
    return { kind: 'expire-idle', sessions: entry.sessions, idleMinutes };
  };
  return {
    path: app.path,
    live: app.live,
    decisions: app.versions.map((entry) => {
      const cause = causeOf(entry);
      const { version, state, role, sessions } = entry;
      return {
        version,
        state,
        role,
        sessions,
        action: actionFor(cause),
        cause,
        reason: describeDrainCause(cause),
      };
    }),
  };
}

/** What a drain does for a cause. */
export function actionFor(cause: DrainCause): DrainAction {
  switch (cause.kind) {
    case 'smoke-leftover':
    case 'never-unpacked':
    case 'stopped-older':
    case 'drained':
      return 'undeploy';
    case 'expire-idle':
      return 'expire-then-undeploy';
    case 'no-live-version':
    case 'live':
    case 'roll-forward-target':
    case 'rollback-target':
    case 'has-sessions':
      return 'keep';
  }
}

/** A cause in words for people: `live`, `draining: 3 sessions`, ... */
export function describeDrainCause(cause: DrainCause): string {
  switch (cause.kind) {
    case 'smoke-leftover':
      return 'the temporary context of a smoke test that was not removed (an interrupted deploy)';
    case 'no-live-version':
      return 'no version of this app runs, so none is drained';
    case 'live':
      return 'live';
    case 'never-unpacked':
      return 'stopped: failed to start, its WAR never unpacked (corrupt or cut off); no roll-forward target';
    case 'roll-forward-target':
      return 'stopped and newer than the live version: kept for a roll-forward (undeploy it explicitly)';
    case 'rollback-target':
      return `kept for rollback (keep ${cause.keep})`;
    case 'stopped-older':
      return 'stopped, older than the live version';
    case 'drained':
      return 'drained: no sessions';
    case 'has-sessions':
      return `draining: ${sessionCount(cause.sessions)}`;
    case 'expire-idle':
      return `${sessionCount(cause.sessions)}: expire those idle for ${cause.idleMinutes}+ minutes, then undeploy if none is left`;
  }
}

function sessionCount(sessions: number): string {
  return `${sessions} session${sessions === 1 ? '' : 's'}`;
}
