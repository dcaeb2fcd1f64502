/**
 * Blue/green's defaults, in a module of their own: the command line's help names them at every
 * start, which must not load the operation with them.
 */
export const BLUE_GREEN_DEFAULTS = {
  /** Wait until the colour that leaves has no visitor left, then put it in maint. */
  waitDrain: false,
  /** How long its visitors may take to leave (30 min, as restart's). */
  maxDrainMs: 1_800_000,
  /** How long a colour made ready may take to be up on every balancer. */
  upTimeoutMs: 60_000,
  /** How long each request that proves a target serves may take before it is made ready. */
  probeTimeoutMs: 5_000,
  /** Between two reads of a target or the balancers while waiting. */
  intervalMs: 2_000,
};
