import { ErrorCode } from '../../errors/error-codes.js';
import type { HintPart } from '../../errors/hints.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { RestartReport, RestartStep } from './restart-report.js';

/**
 * A roll stopped at one target's step (`E_OPERATION`, or `E_ABORTED` when a signal stopped it):
 * the targets before it are done, that target is in maint (or back to the state it had when it
 * stopped before its command ran), the rest are untouched. A signal that came after a target's
 * command stops the roll only once that target is done: then `step` is undefined and `target` is
 * the next one, untouched (or undefined after the last). `remaining` is what a resume restarts.
 */
export class RestartError extends TomcatPdError {
  /** The target it stopped at; undefined when a signal stopped it after the last one was done. */
  readonly target: string | undefined;
  /** The step of `target` that failed or was stopped; undefined when `target` was not touched. */
  readonly step: RestartStep | undefined;
  /** Whether the target is in the state it had (stopped before its command ran), else it is left in maint. */
  readonly putBack: boolean;
  readonly report: RestartReport;
  /** The targets a resume restarts: this one first, then those not reached. */
  readonly remaining: readonly string[];
  /** The error of the step. */
  readonly failure: TomcatPdError;

  constructor(
    failure: TomcatPdError,
    facts: {
      target: string | undefined;
      step: RestartStep | undefined;
      putBack: boolean;
      report: RestartReport;
      remaining: readonly string[];
      aborted: boolean;
    },
  ) {
    const done = facts.report.targets.filter((t) => t.outcome === 'done').map((t) => t.target);
    const hint: HintPart[] = [
      done.length === 0 ? 'No target was restarted.' : `Restarted: ${done.join(', ')}.`,
      ...(facts.remaining.length === 0
        ? []
        : [' Resume with ', { option: 'targets', value: facts.remaining.join(',') } as const, '.']),
    ];
    super(facts.aborted ? ErrorCode.aborted : ErrorCode.operation, stopMessage(failure, facts, done), {
      hint,
    });
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

/** Where the roll stopped and what became of that target, in words. */
function stopMessage(
  failure: TomcatPdError,
  facts: { target: string | undefined; step: RestartStep | undefined; putBack: boolean; aborted: boolean },
  done: readonly string[],
): string {
  if (facts.step === undefined) {
    const last = done.at(-1);
    const after =
      last === undefined ? 'Stopped' : `Stopped after ${last} was restarted, checked and made ready`;
    const next = facts.target === undefined ? 'no target was left' : `${facts.target} was not touched`;
    return `${after}; ${next}. ${failure.message}`;
  }
  const state = facts.putBack ? 'It was put back to the state it had' : 'It is left in maint';
  return `${facts.aborted ? 'Stopped' : 'Failed'} restarting ${facts.target} at step ${facts.step}: ${failure.message} ${state}.`;
}
