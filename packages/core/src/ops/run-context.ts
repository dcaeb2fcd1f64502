import { usageError } from '../errors/error-classes.js';
import { withDefaults } from '../common/defaults.js';
import { silentLogger, type Logger } from '../common/logger.js';

/** What every operation's options hold besides what it is asked to do: how it runs. */
export interface RunOptions {
  /** Aborts the operation; what was already changed is undone or said (`E_ABORTED`). */
  signal?: AbortSignal | undefined;
  /** @defaultValue a logger that drops everything */
  logger?: Logger | undefined;
}

/** How an operation runs, every default filled in: what its steps take beside its checked options. */
export interface RunContext {
  readonly signal: AbortSignal | undefined;
  readonly logger: Logger;
}

/** The run context of a public function's options. */
export function runContextOf(options: RunOptions): RunContext {
  const { signal, logger } = withDefaults(
    { signal: options.signal, logger: options.logger },
    { logger: silentLogger },
  );
  return { signal, logger };
}

/** How many targets are worked on at once unless the caller says otherwise. */
export const DEFAULT_PARALLEL = 4;

export interface FleetRunOptions extends RunOptions {
  /** How many targets are worked on at once. @defaultValue 4 */
  parallel?: number | undefined;
}

/** How a fleet operation runs: its context, and how many targets at once. */
export interface FleetRunContext extends RunContext {
  readonly parallel: number;
}

/** The fleet run context of a public function's options. @throws UsageError for a `parallel` below 1. */
export function fleetRunContextOf(options: FleetRunOptions): FleetRunContext {
  const { parallel } = withDefaults({ parallel: options.parallel }, { parallel: DEFAULT_PARALLEL });
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw usageError(`The number of targets at once must be a whole number of 1 or more, not ${parallel}.`);
  }
  return { ...runContextOf(options), parallel };
}
