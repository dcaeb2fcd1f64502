/**
 * What a drain is asked to do, and the one place where that is checked and given its defaults:
 * the public functions parse their options here, the steps take the checked spec.
 */
import { withDefaults } from '../../common/defaults.js';
import { runContextOf, type RunContext, type RunOptions } from '../run-context.js';
import { usageError } from '../../errors/error-classes.js';
import { validateContextPath } from '../../versions/context-name.js';
import { parseOptionalProbe, type ProbeOptions, type ProbeSpec } from '../probe/probe-options.js';
import type { DrainTracker } from './drain-tracker.js';
import { parseDrainPlanOptions, type DrainPlanOptions, type DrainPlanSpec } from './plan-drain.js';

export interface DrainOptions extends DrainPlanOptions, RunOptions {
  /** Only this app; default: every app on the target. */
  path?: string | undefined;
  /**
   * How long a version must stay drained before it is undeployed.
   * @defaultValue 10 000 (10 s)
   */
  graceMs?: number | undefined;
  /** Return the plan; change nothing. @defaultValue false */
  dryRun?: boolean | undefined;
  /**
   * Probe afterwards the live version of every app the drain changed (with `path`: that app); the
   * report's `probes` say what they answered. Not on a dry run.
   */
  probe?: ProbeOptions | undefined;
  /**
   * After the undeploys, ask Tomcat's `findleaks` which class loaders stayed behind (a full GC on
   * the server; only when something was undeployed). @defaultValue false
   */
  checkLeaks?: boolean | undefined;
}

/** How long a version must stay drained before it goes, unless the caller says otherwise. */
export const DEFAULT_GRACE_MS = 10_000;

/** A drain's options, checked and with their defaults. */
export interface DrainSpec {
  readonly path: string | undefined;
  readonly plan: DrainPlanSpec;
  readonly graceMs: number;
  readonly dryRun: boolean;
  readonly probe: ProbeSpec | undefined;
  readonly checkLeaks: boolean;
}

/**
 * How a drain runs: its context, and the tracker that carries grace observations across the
 * cycles of a loop instead of sleeping (none for a single drain, which sleeps the grace period).
 */
export interface DrainContext extends RunContext {
  readonly tracker: DrainTracker | undefined;
}

const DRAIN_DEFAULTS = { graceMs: DEFAULT_GRACE_MS, dryRun: false, checkLeaks: false } satisfies DrainOptions;

/** Checks a drain's options before any request. @throws UsageError naming what is wrong. */
export function parseDrainOptions(options: DrainOptions): DrainSpec {
  const { path, graceMs, dryRun, probe, checkLeaks } = withDefaults(options, DRAIN_DEFAULTS);
  if (!(graceMs >= 0)) throw usageError(`The grace period must be 0 or more, not ${graceMs} ms.`);
  return {
    path: path === undefined ? undefined : validateContextPath(path),
    plan: parseDrainPlanOptions(options),
    graceMs,
    dryRun,
    probe: parseOptionalProbe(probe),
    checkLeaks,
  };
}

/** The run context of a single drain. */
export function drainContextOf(options: DrainOptions): DrainContext {
  return { ...runContextOf(options), tracker: undefined };
}
