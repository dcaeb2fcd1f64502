/**
 * A paused rollout as it is kept on the targets (docs/lock.md: the lock keeps it as opaque text
 * with the paused lock), so that `promote` or `abort` on any machine knows what to go on with:
 * the version, the steps left, the WAR's identity and the checks the rollout ran with. Pure.
 */
import { ErrorCode } from '../../errors/error-codes.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { validateContextPath } from '../../versions/context-name.js';
import { validateVersion } from '../../versions/version-rules.js';
import type { WarIdentity } from '../../war/war-identity.js';
import { parseAnalysisOptions, type AnalysisSpec } from '../analyze/analysis-options.js';
import type { RolloutPause, RolloutWave } from '../deploy/rollout-steps.js';
import { parseOptionalProbe, type ProbeSpec } from '../probe/probe-options.js';

/** What a paused rollout is, and what it needs to go on. */
export interface RolloutRecord {
  path: string;
  version: string;
  /** The build id the version carries, for the change's event. */
  buildId: string | undefined;
  /** The steps done, of `steps` in all. */
  afterStep: number;
  steps: number;
  /** The targets that have the version, by name. */
  took: string[];
  /** The waves still to come, by target name, each with the gate after it. */
  remaining: RolloutWave<string>[];
  war: WarIdentity;
  /** The checks each remaining target's deploy runs, as the first steps ran them. */
  probe: ProbeSpec | undefined;
  analysis: AnalysisSpec | undefined;
  tag: string | undefined;
  /** Who paused it, and when (the controller's clock). */
  actor: string;
  pausedAt: Date;
}

/** The format's version: a reader refuses a record of another rather than guess at it. */
const FORMAT = 1;

/** As stored: compact, every field short, as each chunk of it is one context on every target. */
interface StoredRecord {
  f: number;
  path: string;
  version: string;
  build?: string | undefined;
  step: [number, number];
  took: string[];
  /** Each wave's targets, and its gate: `'manual'`, a timed pause's milliseconds, or none. */
  rest: { t: string[]; p?: 'manual' | number | undefined }[];
  war: [number, string];
  probe?: ProbeSpec | undefined;
  analysis?: AnalysisSpec | undefined;
  tag?: string | undefined;
  actor: string;
  at: string;
}

/** The record as compact JSON. */
export function encodeRolloutRecord(record: RolloutRecord): string {
  const stored: StoredRecord = {
    f: FORMAT,
    path: record.path,
    version: record.version,
    build: record.buildId,
    step: [record.afterStep, record.steps],
    took: record.took,
    rest: record.remaining.map((wave) => ({ t: wave.targets, p: storedPause(wave.pause) })),
    war: [record.war.size, record.war.sha256],
    probe: record.probe,
    analysis: record.analysis,
    tag: record.tag,
    actor: record.actor,
    at: record.pausedAt.toISOString(),
  };
  return JSON.stringify(stored);
}

function storedPause(pause: RolloutPause | undefined): 'manual' | number | undefined {
  if (pause === undefined) return undefined;
  return pause.pause === 'manual' ? 'manual' : pause.ms;
}

/**
 * Reads a record back, checked as the deploy's options were (a path, a version, probes and an
 * analysis the parsers accept, steps that add up). @throws TomcatPdError `E_PROTOCOL` for text
 * that is not such a record: it is not used to change anything.
 */
export function decodeRolloutRecord(text: string): RolloutRecord {
  try {
    const stored = JSON.parse(text) as StoredRecord;
    if (stored.f !== FORMAT) throw new Error(`its format is ${JSON.stringify(stored.f)}, not ${FORMAT}`);
    const [afterStep, steps] = stored.step;
    const [size, sha256] = stored.war;
    const remaining = stored.rest.map((wave) => ({ targets: names(wave.t), pause: pauseOf(wave.p) }));
    const record: RolloutRecord = {
      path: validateContextPath(stored.path),
      version: validateVersion(stored.version),
      buildId: optionalString(stored.build),
      afterStep,
      steps,
      took: names(stored.took),
      remaining,
      war: { size, sha256 },
      probe: parseOptionalProbe(stored.probe),
      analysis: stored.analysis === undefined ? undefined : parseAnalysisOptions(stored.analysis),
      tag: optionalString(stored.tag),
      actor: requiredString(stored.actor, 'actor'),
      pausedAt: new Date(stored.at),
    };
    checkShape(record);
    return record;
  } catch (error) {
    const why = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
    throw new TomcatPdError(
      ErrorCode.protocol,
      `The paused rollout kept on the targets cannot be read: ${why}.`,
      {
        hint: 'Nothing was changed. A newer tomcat-pd may have paused it; otherwise release its lock with lock release --force, and undeploy its version.',
      },
    );
  }
}

/** What JSON types alone do not say: steps that add up, a hash, a date, a target in one place. */
function checkShape(record: RolloutRecord): void {
  const { afterStep, steps, war, took, remaining } = record;
  if (!Number.isInteger(afterStep) || afterStep < 1 || steps !== afterStep + remaining.length) {
    throw new Error(`step ${afterStep} of ${steps} does not fit ${remaining.length} steps left`);
  }
  if (remaining.length === 0 || remaining.at(-1)?.pause !== undefined) {
    throw new Error('its steps left do not end with a step that deploys');
  }
  if (!Number.isSafeInteger(war.size) || war.size < 0 || !/^[0-9a-f]{64}$/.test(war.sha256)) {
    throw new Error('its WAR has no size and SHA-256');
  }
  const targets = [...took, ...remaining.flatMap((wave) => wave.targets)];
  if (took.length === 0 || remaining.some((wave) => wave.targets.length === 0)) {
    throw new Error('a step has no target');
  }
  if (new Set(targets).size !== targets.length) throw new Error('a target is in two steps');
  if (Number.isNaN(record.pausedAt.getTime())) throw new Error('its time is no date');
}

function names(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
    throw new Error('a list of targets is not a list of names');
  }
  return value as string[];
}

function pauseOf(value: 'manual' | number | undefined): RolloutPause | undefined {
  if (value === undefined) return undefined;
  if (value === 'manual') return { pause: 'manual' };
  if (typeof value === 'number' && value > 0) return { pause: 'timed', ms: value };
  throw new Error(`${JSON.stringify(value)} is no pause`);
}

function optionalString(value: unknown): string | undefined {
  return value === undefined ? undefined : requiredString(value, 'text');
}

function requiredString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`its ${what} is not text`);
  return value;
}
