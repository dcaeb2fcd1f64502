import { ErrorCode } from '../../errors/error-codes.js';
import type { HintPart } from '../../errors/hints.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { RestartReport, RestartStep } from './restart-report.js';

/**
 * A roll stopped at one target's step (`E_OPERATION`, or `E_ABORTED` when a signal stopped it):
 * the targets before it are done, that target is in maint (or back to the state it had when it
 * stopped before its command ran), the rest are untouched. `remaining` is what a resume restarts.
 */
export class RestartError extends TomcatPdError {
  readonly target: string;
  readonly step: RestartStep;
  /** Whether the target was put back to the state it had (stopped before its command ran), else it is left in maint. */
  readonly putBack: boolean;
  readonly report: RestartReport;
  /** The targets a resume restarts: this one first, then those not reached. */
  readonly remaining: readonly string[];
  /** The error of the step. */
  readonly failure: TomcatPdError;

  constructor(
    failure: TomcatPdError,
    facts: {
      target: string;
      step: RestartStep;
      putBack: boolean;
      report: RestartReport;
      remaining: readonly string[];
      aborted: boolean;
    },
  ) {
    const done = facts.report.targets.filter((t) => t.outcome === 'done').map((t) => t.target);
    const state = facts.putBack ? 'it was put back to the state it had' : 'it is left in maint';
    const hint: HintPart[] = [
      `${done.length === 0 ? 'No target was restarted' : `Restarted: ${done.join(', ')}`}. Resume with `,
      { option: 'targets', value: facts.remaining.join(',') },
      '.',
    ];
    super(
      facts.aborted ? ErrorCode.aborted : ErrorCode.operation,
      `${facts.aborted ? 'Stopped' : 'Failed'} restarting ${facts.target} at step ${facts.step}: ${failure.message} ${state}.`,
      { hint },
    );
    this.name = 'RestartError';
    this.target = facts.target;
    this.step = facts.step;
    this.putBack = facts.putBack;
    this.report = facts.report;
    this.remaining = facts.remaining;
    this.failure = failure;
  }

  protected override details(): Record<string, unknown> {
    return {
      target: this.target,
      step: this.step,
      putBack: this.putBack,
      remaining: this.remaining,
      report: this.report,
    };
  }
}
