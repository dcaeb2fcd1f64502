/** The seven steps of one target's restart, in order. */
export const RESTART_STEPS = ['drain', 'drained', 'maint', 'exec', 'started', 'probe', 'ready'] as const;
export type RestartStep = (typeof RESTART_STEPS)[number];

/** One step of one target: when it started, how long it took, how it ended. */
export interface RestartStepRecord {
  readonly step: RestartStep;
  /** ISO time. */
  readonly startedAt: string;
  /** Undefined while it runs (in `onStep`'s first call). */
  readonly durationMs: number | undefined;
  readonly outcome: 'done' | 'failed' | undefined;
}

/** One target's restart as it went. */
export interface TargetRestartReport {
  readonly target: string;
  readonly steps: readonly RestartStepRecord[];
  /** With `onMaxDrain: 'proceed'`: the sessions still there when the drain wait ended, lost by the restart. */
  readonly sessionsLost: number;
  /** `done`, or where it stopped: `failed` (left in maint, or put back before CMD), `aborted`. */
  readonly outcome: 'done' | 'failed' | 'aborted';
}

export interface RestartReport {
  /** The targets worked on, in order; those not reached are not here. */
  readonly targets: readonly TargetRestartReport[];
}
