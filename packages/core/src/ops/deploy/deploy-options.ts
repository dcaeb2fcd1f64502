/**
 * What a deploy is asked to do, and the one place where that is checked and given its defaults:
 * the public functions parse their options here, and every step after takes the checked
 * {@link DeploySpec}.
 */
import { withDefaults } from '../../common/defaults.js';
import type { RunContext, RunOptions } from '../run-context.js';
import { runContextOf } from '../run-context.js';
import type { UploadProgress } from '../../manager/upload.js';
import { validateContextPath } from '../../versions/context-name.js';
import {
  parseAnalysisOptions,
  type AnalysisOptions,
  type AnalysisSpec,
} from '../analyze/analysis-options.js';
import { parseOptionalProbe, type ProbeOptions, type ProbeSpec } from '../probe/probe-options.js';
import { parseDeployPlanOptions, type DeployPlanOptions, type DeployPlanSpec } from './plan-deploy.js';

export interface DeployOptions extends DeployPlanOptions, RunOptions {
  /** The context path, e.g. `/shop` or `/` for ROOT. */
  path: string;
  warFile: string;
  /** Tomcat's tag: a copy of the WAR kept in the manager's work directory. */
  tag?: string | undefined;
  /** Called as bytes move, then once when Tomcat starts the context. */
  onProgress?: ((progress: DeployProgress) => void) | undefined;
  /** Abort an upload when no byte moved for this long. @defaultValue 30 000 (30 s) */
  stallTimeoutMs?: number | undefined;
  /** How long Tomcat may take to start the context after the upload. @defaultValue 600 000 (10 min) */
  startTimeoutMs?: number | undefined;
  /** Probe the new version right after it went live; undo it when it does not answer healthy. */
  probe?: ProbeOptions | undefined;
  /** Before the real deploy, try the WAR under a temporary context path and probe it there. */
  smoke?: ProbeOptions | undefined;
  /**
   * Once live (and after the probe), watch the new version's error rate on Tomcat's status page
   * for a window, and undo it when the rate is too high (see `AnalysisOptions`). Needs the status
   * JSON (Tomcat 8.5.96+, 9.0.83+, 10.1.16+): without it the deploy is refused before any upload.
   */
  analysis?: AnalysisOptions | undefined;
  /**
   * Deploy without the parallel-deployment check (docs/war-check.md), whose errors otherwise
   * refuse the WAR before any request and whose warnings go to the logger. @defaultValue false
   */
  skipCheck?: boolean | undefined;
}

/** An upload's progress, with the version it deploys. */
export type DeployProgress = UploadProgress & { version: string; displayName: string };

/** A deploy's options, checked and with their defaults. */
export interface DeploySpec {
  readonly path: string;
  readonly warFile: string;
  readonly plan: DeployPlanSpec;
  readonly tag: string | undefined;
  /** `undefined`: the client's own defaults (see `DeployRequest`). */
  readonly stallTimeoutMs: number | undefined;
  readonly startTimeoutMs: number | undefined;
  readonly probe: ProbeSpec | undefined;
  readonly smoke: ProbeSpec | undefined;
  readonly analysis: AnalysisSpec | undefined;
  readonly skipCheck: boolean;
}

/** How a deploy runs: its context, and who hears of its progress. */
export interface DeployContext extends RunContext {
  readonly onProgress: ((progress: DeployProgress) => void) | undefined;
}

const DEPLOY_DEFAULTS = { skipCheck: false } satisfies Partial<DeployOptions>;

/** Checks a deploy's options before anything is read or sent. @throws UsageError naming what is wrong. */
export function parseDeployOptions(options: DeployOptions): DeploySpec {
  const checked = withDefaults(options, DEPLOY_DEFAULTS);
  return {
    path: validateContextPath(checked.path),
    warFile: checked.warFile,
    plan: parseDeployPlanOptions(checked),
    tag: checked.tag,
    stallTimeoutMs: checked.stallTimeoutMs,
    startTimeoutMs: checked.startTimeoutMs,
    probe: parseOptionalProbe(checked.probe),
    smoke: parseOptionalProbe(checked.smoke),
    analysis: checked.analysis === undefined ? undefined : parseAnalysisOptions(checked.analysis),
    skipCheck: checked.skipCheck,
  };
}

/** The run context of a deploy's options. */
export function deployContextOf(options: RunOptions & Pick<DeployOptions, 'onProgress'>): DeployContext {
  return { ...runContextOf(options), onProgress: options.onProgress };
}
