import { ErrorCode } from '../../errors/error-codes.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { BlueGreenStep, BlueGreenStepRecord } from './blue-green-report.js';

/**
 * A blue/green deploy or rollback stopped at a step after something was changed (`E_OPERATION`,
 * or `E_ABORTED` when a signal stopped it): `live` is the colour that takes new visitors now
 * (there always is one, docs/blue-green.md), the message says what became of the other.
 */
export class BlueGreenError extends TomcatPdError {
  readonly step: BlueGreenStep;
  /** The targets ready on every balancer now. */
  readonly live: readonly string[];
  readonly steps: readonly BlueGreenStepRecord[];
  /** The error of the step. */
  readonly failure: TomcatPdError;

  constructor(
    failure: TomcatPdError,
    facts: {
      step: BlueGreenStep;
      live: readonly string[];
      note: string;
      steps: readonly BlueGreenStepRecord[];
    },
  ) {
    super(
      failure.code === ErrorCode.aborted ? ErrorCode.aborted : ErrorCode.operation,
      `Blue/green stopped at step ${facts.step}: ${failure.message} ${facts.note}`,
      { hint: failure.hintParts, cause: failure },
    );
    this.name = 'BlueGreenError';
    this.step = facts.step;
    this.live = facts.live;
    this.steps = facts.steps;
    this.failure = failure;
  }

  protected override details(): Record<string, unknown> {
    return { step: this.step, live: this.live, steps: this.steps };
  }
}
