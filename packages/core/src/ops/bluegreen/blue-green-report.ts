import type { AnalysisReport } from '../../common/analysis-report.js';
import type { Colours, ColoursReading } from '../lb/colours.js';
import type { FleetDeployResult } from '../deploy/fleet-deploy.js';
import type { PreviousColourPin } from './pins.js';

/** The steps of a blue/green deploy or rollback, in the order they can come. */
export const BLUE_GREEN_STEPS = [
  /** The colour to deploy on still had visitors: waited for them (`--wait-drain`), then maint. */
  'wait-idle',
  /** The WAR deployed on the idle colour (every deploy's safety, its probes direct). */
  'deploy',
  /** The other colour made ready on every balancer, and up there. */
  'ready',
  /** The colour that was live drained on every balancer. */
  'drain',
  /** The new colour's error rate watched (`--analyze`). */
  'analyze',
  /** A bad verdict: the colour that was live made ready again, the new one drained. */
  'switch-back',
  /** The old colour waited for until its visitors left, then put in maint (`--wait-drain`). */
  'maint',
] as const;
export type BlueGreenStep = (typeof BLUE_GREEN_STEPS)[number];

/** One step: the targets it worked on, when it started, how long it took, how it ended. */
export interface BlueGreenStepRecord {
  readonly step: BlueGreenStep;
  readonly targets: readonly string[];
  /** ISO time. */
  readonly startedAt: string;
  /** Undefined while it runs (in `onStep`'s first call). */
  readonly durationMs: number | undefined;
  readonly outcome: 'done' | 'failed' | undefined;
}

/** What a blue/green switch did: the colours before and after, and each step. */
export interface BlueGreenSwitchReport {
  readonly before: Colours;
  /** The colours read again at the end (undefined: the balancers could not be read then). */
  readonly after: ColoursReading | undefined;
  readonly steps: readonly BlueGreenStepRecord[];
  /** How to reach the colour that was live, while it runs (HAProxy balancers only). */
  readonly previous: readonly PreviousColourPin[];
}

export interface BlueGreenDeployReport extends BlueGreenSwitchReport {
  readonly deploy: FleetDeployResult;
  /** The new colour's analyses (`--analyze`), one per target. */
  readonly analysis: readonly AnalysisReport[];
}

export type BlueGreenRollbackReport = BlueGreenSwitchReport;
