/**
 * What a probe asks of an app, and how an answer is judged. Pure: the probe's requests are in
 * probe-app.ts.
 */
import { withDefaults } from '../../common/defaults.js';
import { usageError } from '../../errors/error-classes.js';

export type { ProbePhase, ProbeResult } from '../../common/probe-result.js';

/** The statuses that count as healthy, both ends included. */
export interface StatusRange {
  min: number;
  max: number;
}

export interface ProbeOptions {
  /** Paths under the app's context path, each starting with `/`: `['/health']`. */
  paths: readonly string[];
  /** @defaultValue 200-299 */
  expectStatus?: StatusRange | undefined;
  /** Text the body must contain (within its first 64 KB). */
  expectText?: string | undefined;
  /** How long to keep trying while the app is not up yet. @defaultValue 60 000 (60 s) */
  timeoutMs?: number | undefined;
  /** Between two tries. @defaultValue 1 000 */
  intervalMs?: number | undefined;
}

export const PROBE_DEFAULTS = {
  expectStatus: { min: 200, max: 299 },
  timeoutMs: 60_000,
  intervalMs: 1_000,
} satisfies Partial<ProbeOptions>;

/** How much of a body is read: enough for a health page, bounded for one that never ends. */
export const PROBE_BODY_BYTES = 64 * 1024;

/** A probe's options, checked and with their defaults: what the probes run with. */
export interface ProbeSpec {
  readonly paths: readonly string[];
  readonly expectStatus: StatusRange;
  readonly expectText: string | undefined;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

/**
 * Checks a probe's options before anything is deployed, into the spec the probes run with.
 * @throws UsageError naming what is wrong.
 */
export function parseProbeOptions(options: ProbeOptions): ProbeSpec {
  const checked = withDefaults(options, PROBE_DEFAULTS);
  if (checked.paths.length === 0) throw usageError('A probe needs at least one path, such as /health.');
  for (const path of checked.paths) {
    if (!path.startsWith('/') || path.startsWith('//') || /[\s#]/.test(path)) {
      throw usageError(
        `The probe path ${JSON.stringify(path)} must be a path under the app, starting with / (e.g. /health).`,
        ['Give where visitors reach Tomcat on its own (', { option: 'appUrl' }, '), not in the path.'],
      );
    }
  }
  const { min, max } = checked.expectStatus;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 100 || max > 599 || min > max) {
    throw usageError(`The expected statuses ${min}-${max} are not a range of HTTP statuses.`);
  }
  if (!(checked.timeoutMs > 0) || !(checked.intervalMs > 0)) {
    throw usageError('A probe needs a time-out and an interval above 0.');
  }
  return {
    paths: [...checked.paths],
    expectStatus: { min, max },
    expectText: checked.expectText,
    timeoutMs: checked.timeoutMs,
    intervalMs: checked.intervalMs,
  };
}

/** {@link parseProbeOptions} of options that may be absent: no probe asked for, no spec. */
export function parseOptionalProbe(options: ProbeOptions | undefined): ProbeSpec | undefined {
  return options === undefined ? undefined : parseProbeOptions(options);
}

/** The path a probe visits: the probe path under the app's context path (`/` is ROOT). */
export function probePath(contextPath: string, path: string): string {
  return `${contextPath === '/' ? '' : contextPath}${path}`;
}

/** The verdict on one answer: healthy, not up yet (try again), or unhealthy. */
export type ProbeVerdict =
  { kind: 'healthy' } | { kind: 'not-yet'; why: string } | { kind: 'unhealthy'; why: string };

/**
 * Judges an answer. While an app is still starting, Tomcat (or a proxy) answers 404 (not mapped
 * yet) or 503, or refuses the connection: those are tried again. Any other answer is final.
 */
export function judgeAnswer(
  answer: { status: number; body: string; location?: string | undefined },
  options: Pick<ProbeSpec, 'expectText' | 'expectStatus'>,
): ProbeVerdict {
  const { status, body, location } = answer;
  const excerpt = excerptOf(body);
  if (status === 404 || status === 503) return { kind: 'not-yet', why: `answered HTTP ${status}${excerpt}` };
  const { min, max } = options.expectStatus;
  if (status < min || status > max) {
    const where = location === undefined ? '' : ` to ${location} (not followed)`;
    return {
      kind: 'unhealthy',
      why: `answered HTTP ${status}${status >= 300 && status < 400 ? ` redirecting${where}` : ''}${excerpt}`,
    };
  }
  if (options.expectText !== undefined && !body.includes(options.expectText)) {
    return {
      kind: 'unhealthy',
      why: `answered HTTP ${status} without ${JSON.stringify(options.expectText)}${excerpt}`,
    };
  }
  return { kind: 'healthy' };
}

/** `: "the first 200 characters…"` of a body, on one line; nothing for an empty body. */
function excerptOf(body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  return `: ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`;
}
