/**
 * `restartTargets`' defaults, in a module of their own: the command line's help names them at
 * every start, which must not load the operation with them.
 */
export const RESTART_DEFAULTS = {
  /** How long a target's visitors may take to leave (30 min). */
  maxDrainMs: 1_800_000,
  /** At that time: put the target back to ready and stop. */
  onMaxDrain: 'fail' as 'fail' | 'proceed',
  /** How long the user's command may run before it is killed (10 min). */
  execTimeoutMs: 600_000,
  /** How long the Manager and the apps may take to run again after the command (5 min). */
  startTimeoutMs: 300_000,
  /** Between two reads of the target or the balancers while waiting. */
  intervalMs: 2_000,
};
