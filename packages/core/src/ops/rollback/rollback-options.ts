/**
 * What a rollback is asked to do, and the one place where that is checked and given its
 * defaults: the public functions parse their options here, the steps take the checked spec.
 */
import { withDefaults } from '../../common/defaults.js';
import type { FleetRunOptions, RunOptions } from '../run-context.js';
import { validateContextPath } from '../../versions/context-name.js';
import { validateVersion } from '../../versions/version-rules.js';
import { parseOptionalProbe, type ProbeOptions, type ProbeSpec } from '../probe/probe-options.js';
import type { RollbackPlanOptions } from './plan-rollback.js';

export interface RollbackOptions extends RollbackPlanOptions, RunOptions {
  path: string;
  /** Stop the newer versions instead of undeploying them: quick roll-forward, but not durable. @defaultValue false */
  stop?: boolean | undefined;
  /** Probe the version that is live afterwards; the result says how it answered (nothing is redeployed). */
  probe?: ProbeOptions | undefined;
  /**
   * Afterwards, ask Tomcat's `findleaks` whether the class loaders of the versions removed (or
   * stopped) stayed behind (a full GC on the server). @defaultValue false
   */
  checkLeaks?: boolean | undefined;
}

export type FleetRollbackOptions = RollbackOptions & FleetRunOptions;

/** A rollback's options, checked and with their defaults. */
export interface RollbackSpec {
  readonly path: string;
  readonly plan: RollbackPlanOptions;
  readonly stop: boolean;
  readonly probe: ProbeSpec | undefined;
  readonly checkLeaks: boolean;
}

const ROLLBACK_DEFAULTS = { stop: false, checkLeaks: false } satisfies Partial<RollbackOptions>;

/** Checks a rollback's options before any request. @throws UsageError naming what is wrong. */
export function parseRollbackOptions(options: RollbackOptions): RollbackSpec {
  const { path, to, stop, probe, checkLeaks } = withDefaults(options, ROLLBACK_DEFAULTS);
  return {
    path: validateContextPath(path),
    // '' names the unversioned context; anything else must be a valid version.
    plan: { to: to === undefined || to === '' ? to : validateVersion(to) },
    stop,
    probe: parseOptionalProbe(probe),
    checkLeaks,
  };
}
