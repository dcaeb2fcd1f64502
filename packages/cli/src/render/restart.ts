import type { RestartReport, RestartStepRecord } from '@tomcat-pd/core/balancers';
import type { RestartPlan } from '@tomcat-pd/core/internal';
import { formatDuration } from '../flags/flag-values.js';

/** What each step does, for the progress and the dry run. */
const STEP_WORDS: Readonly<Record<RestartStepRecord['step'], string>> = {
  drain: 'drain on every balancer',
  drained: 'wait until drained',
  maint: 'maint on every balancer, no request in flight',
  exec: 'run the command',
  started: 'wait until the Manager and the apps run again',
  probe: 'probe the apps directly',
  ready: 'ready on every balancer, up',
};

/** `restart --json`: the per-target steps with their times. */
export function restartDocument(report: RestartReport) {
  return { targets: report.targets };
}

/** `restart`: one line per step per target with its time. */
export function renderRestart(report: RestartReport): string {
  return report.targets
    .flatMap((target) => [
      ...target.steps.map(
        (step) =>
          `${target.target} ${step.step.padEnd(8)} ${step.outcome ?? '-'} ${formatDuration(step.durationMs ?? 0)}`,
      ),
      ...(target.sessionsLost > 0
        ? [`${target.target} lost ${target.sessionsLost} sessions (--on-max-drain proceed)`]
        : []),
    ])
    .join('\n');
}

/** A step as it starts or ends, for stderr. */
export function renderStepProgress(target: string, step: RestartStepRecord): string {
  return step.outcome === undefined
    ? `${target}: ${STEP_WORDS[step.step]}...`
    : `${target}: ${step.step} ${step.outcome} in ${formatDuration(step.durationMs ?? 0)}`;
}

/** `restart --dry-run`: the order and the steps of each target. */
export function renderRestartPlan(plan: RestartPlan): string {
  const steps = Object.values(STEP_WORDS).join(', ');
  return plan.order.map((target, index) => `${index + 1}. ${target}: ${steps}`).join('\n');
}
