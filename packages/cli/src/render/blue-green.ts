import type { FleetDeployResult } from '@tomcat-pd/core';
import type {
  BlueGreenDeployReport,
  BlueGreenRollbackReport,
  BlueGreenStep,
  BlueGreenStepRecord,
  BlueGreenSwitchReport,
  ColoursReading,
} from '@tomcat-pd/core/balancers';
import { formatDuration } from '../flags/flag-values.js';
import { deployDocument, renderDeploy } from './deploy.js';

/** What each step does, for the progress on stderr. */
const STEP_WORDS: Readonly<Record<BlueGreenStep, string>> = {
  'wait-idle': 'wait until their visitors left, then maint',
  deploy: 'deploy on the idle colour',
  ready: 'prove they serve, ready on every balancer, up',
  drain: 'drain the colour that was live',
  analyze: "watch the new colour's error rate",
  'switch-back': 'switch back: ready the colour that was live, drain the new one',
  maint: 'wait until the old colour has no visitor left, then maint',
};

/** A step as it starts or ends, for stderr: `web2: deploy on the idle colour...`, `deploy done in 2s`. */
export function renderBlueGreenStep(step: BlueGreenStepRecord): string {
  return step.outcome === undefined
    ? `${step.targets.join(', ')}: ${STEP_WORDS[step.step]}...`
    : `${step.step} ${step.outcome} in ${formatDuration(step.durationMs ?? 0)}`;
}

/** `deploy --blue-green --json`: the deploy's document, and the switch: colours before and after, steps, pins. */
export function blueGreenDeployDocument(report: BlueGreenDeployReport) {
  return { ...deployDocument(withAnalysis(report)), blueGreen: switchDocument(report) };
}

/** `rollback --blue-green --json`. */
export function blueGreenRollbackDocument(path: string, report: BlueGreenRollbackReport) {
  return { path, blueGreen: switchDocument(report) };
}

/** `deploy --blue-green`: the deploy's lines, then which colour is which now, the steps, the pin. */
export function renderBlueGreenDeploy(report: BlueGreenDeployReport): string {
  return [renderDeploy(withAnalysis(report)), ...switchLines(report)].join('\n');
}

/** `rollback --blue-green`. */
export function renderBlueGreenRollback(path: string, report: BlueGreenRollbackReport): string {
  return [`Rolled ${path} back to the other colour.`, ...switchLines(report)].join('\n');
}

function switchDocument(report: BlueGreenSwitchReport) {
  return {
    before: report.before,
    after:
      report.after === undefined
        ? null
        : report.after.told
          ? report.after.colours
          : { untold: report.after.untold },
    steps: report.steps,
    previous: report.previous,
  };
}

/** The deploy's result with the new colour's analyses beside its targets, as a plain deploy has them. */
function withAnalysis(report: BlueGreenDeployReport): FleetDeployResult {
  return {
    ...report.deploy,
    targets: report.deploy.targets.map((target) => ({
      ...target,
      analysis: report.analysis.find((analysis) => analysis.target === target.target),
    })),
  };
}

function switchLines(report: BlueGreenSwitchReport): string[] {
  const steps = report.steps.map((step) => `${step.step} ${formatDuration(step.durationMs ?? 0)}`).join(', ');
  return [
    `Colours: ${colours(report.after)} (were: ${colours({ told: true, colours: report.before })}).`,
    `Steps: ${steps}.`,
    ...report.previous.map(
      (pin) =>
        `While ${pin.target} still runs, reach it through ${pin.balancer} with the cookie ${pin.cookie}, ` +
        `or at ${pin.url} on the site's address (with the config \`lb config haproxy\` generates).`,
    ),
  ];
}

function colours(reading: ColoursReading | undefined): string {
  if (reading === undefined) return 'not read again';
  if (!reading.told) return `cannot be told apart (${reading.untold.reason})`;
  const { live, draining, idle } = reading.colours;
  const part = (name: string, targets: readonly string[]) =>
    targets.length === 0 ? [] : [`${name} ${targets.join(', ')}`];
  return [...part('live', live), ...part('draining', draining), ...part('idle', idle)].join('; ');
}
