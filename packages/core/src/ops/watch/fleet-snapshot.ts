/**
 * What a watch of the fleet knows of each target, as typed states: not read yet, read (`up`),
 * or not readable (`down`). Each read replaces the last; nothing older is kept.
 */
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { MetricsReport } from '../metrics/metrics.js';

export type TargetSnapshot = PendingTarget | TargetUp | TargetDown;

export interface PendingTarget {
  state: 'pending';
  target: string;
  managerUrl: string;
}

interface ReadTarget {
  target: string;
  managerUrl: string;
  /** When the read ended (epoch ms): the age of what is shown. */
  readAt: number;
  /** How long the read took, queueing for a `parallel` slot not included. */
  durationMs: number;
}

export interface TargetUp extends ReadTarget {
  state: 'up';
  /**
   * `list` as just read, each running version with the metrics of the last status page read
   * (`report.readAt`: the status page is read at most every `MIN_ANALYSIS_INTERVAL_MS`).
   */
  report: MetricsReport;
  metrics: MetricsSource;
}

export interface TargetDown extends ReadTarget {
  state: 'down';
  error: TomcatPdError;
  /** `false` when the watch's failure rule stopped reading it (a 401, say: each try counts towards Tomcat's lock-out). */
  readAgain: boolean;
}

/** Where the versions' metrics come from. */
export type MetricsSource =
  /** The watch reads `list` only. */
  | { kind: 'not-asked' }
  /** Tomcat's status page in JSON, read at `readAt` (= `report.readAt`). */
  | { kind: 'status-page'; readAt: number }
  /** Not yet: the read that asked for the page failed, and the next one is not due yet. */
  | { kind: 'not-yet' }
  /** None: the server has no status JSON (`NoStatusJsonError`), or it refuses the page (403). */
  | { kind: 'none'; reason: TomcatPdError };

/** Every target in the fleet's order, as last read. A new object each time something changes. */
export interface FleetSnapshot {
  /** Counts the changes since the watch started. */
  sequence: number;
  intervalMs: number;
  targets: readonly TargetSnapshot[];
}

/** Before the first read: every target pending. */
export function initialSnapshot(clients: readonly ManagerClient[], intervalMs: number): FleetSnapshot {
  return {
    sequence: 0,
    intervalMs,
    targets: clients.map((client) => ({
      state: 'pending',
      target: client.name,
      managerUrl: client.managerUrl,
    })),
  };
}

/** The snapshot with the target at `index` replaced by `entry`: the next in the sequence. */
export function withTarget(snapshot: FleetSnapshot, index: number, entry: TargetSnapshot): FleetSnapshot {
  return {
    ...snapshot,
    sequence: snapshot.sequence + 1,
    targets: snapshot.targets.map((old, i) => (i === index ? entry : old)),
  };
}
