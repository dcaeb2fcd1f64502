import { withDefaults } from '../../common/defaults.js';
import { runContextOf, type RunContext, type RunOptions } from '../run-context.js';
import { sleep } from '../../common/sleep.js';
import { AbortedError, ConnectionError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { validateContextPath } from '../../versions/context-name.js';
import {
  PROBE_BODY_BYTES,
  judgeAnswer,
  parseProbeOptions,
  probePath,
  type ProbeOptions,
  type ProbePhase,
  type ProbeResult,
  type ProbeSpec,
  type ProbeVerdict,
} from './probe-options.js';

export interface ProbeAppOptions extends RunOptions {
  /** The app's context path (`/shop`, `/` for ROOT): the probe paths are under it. */
  path: string;
  probe: ProbeOptions;
  /** When the probe is made, for the report. @defaultValue `'after'` */
  phase?: ProbePhase | undefined;
  /** The version that should answer (the live one, or the one being smoke-tested), for the report. */
  version?: string | undefined;
}

/** What is probed, for the report: the app, when, and which of its versions should answer. */
export interface ProbeSubject {
  readonly path: string;
  readonly phase: ProbePhase;
  readonly version: string | undefined;
}

/**
 * Probes an app as a new visitor reaches it (`client.appUrl`, no cookies, no credentials, so
 * Tomcat routes to the newest running version): each path in turn, tried again about every
 * `intervalMs` while the app is not up yet (no answer, 404, 503) until it answers healthy, or
 * `timeoutMs` ran out. Stops at the first path that fails. Never throws for an unhealthy app:
 * the results say; throws `E_ABORTED` when the signal fires, `E_USAGE` for bad options.
 */
export async function probeApp(client: ManagerClient, options: ProbeAppOptions): Promise<ProbeResult[]> {
  const { path, phase, version, probe } = withDefaults(options, PROBE_APP_DEFAULTS);
  const subject = { path: validateContextPath(path), phase, version };
  return runProbes(client, subject, parseProbeOptions(probe), runContextOf(options));
}

const PROBE_APP_DEFAULTS = { phase: 'after' } as const satisfies Partial<ProbeAppOptions>;

/** {@link probeApp} with its options checked. */
export async function runProbes(
  client: ManagerClient,
  subject: ProbeSubject,
  spec: ProbeSpec,
  context: RunContext,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = [];
  for (const path of spec.paths) {
    const result = await probeOne(client, probePath(subject.path, path), subject, spec, context);
    results.push(result);
    if (!result.ok) break;
  }
  return results;
}

/** Whether every probe passed. */
export function allHealthy(results: readonly ProbeResult[]): boolean {
  return results.every((result) => result.ok);
}

async function probeOne(
  client: ManagerClient,
  path: string,
  subject: ProbeSubject,
  spec: ProbeSpec,
  { signal, logger }: RunContext,
): Promise<ProbeResult> {
  const url = `${client.appUrl}${path}`;
  const started = Date.now();
  const deadline = started + spec.timeoutMs;
  let said = false;
  // What the app last answered: when the last try only ran into the deadline, that is the news.
  let answered: { why: string; status: number } | undefined;
  logger.info?.(`${client.name}: probing ${url} (up to ${seconds(spec.timeoutMs)} s)`);
  for (;;) {
    const verdict = await tryOnce(client, path, spec, deadline, signal);
    const result = {
      phase: subject.phase,
      target: client.name,
      path: subject.path,
      ...(subject.version === undefined ? {} : { version: subject.version }),
      url,
      ms: Date.now() - started,
    };
    if (verdict.kind === 'healthy') return { ...result, status: verdict.status, ok: true };
    if (verdict.kind === 'unhealthy')
      return { ...result, status: verdict.status, ok: false, detail: verdict.why };
    if (verdict.status !== null) answered = { why: verdict.why, status: verdict.status };
    const left = deadline - Date.now();
    if (left <= 0) {
      const last = answered ?? { why: verdict.why, status: verdict.status };
      return {
        ...result,
        status: last.status,
        ok: false,
        detail: `${last.why}; still not up after ${seconds(spec.timeoutMs)} s`,
      };
    }
    if (!said) logger.info?.(`${client.name}: ${url} ${verdict.why}; trying again until it is up`);
    said = true;
    if (!(await sleep(Math.min(spec.intervalMs, left), signal)))
      throw new AbortedError('The probe was aborted.');
  }
}

/** One request and its verdict; no answer (refused, reset, timed out) is "not yet" while time is left. */
async function tryOnce(
  client: ManagerClient,
  path: string,
  spec: ProbeSpec,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<ProbeVerdict & { status: number | null }> {
  try {
    const answer = await client.visit(path, {
      timeoutMs: Math.max(deadline - Date.now(), 1),
      maxBodyBytes: PROBE_BODY_BYTES,
      signal,
    });
    return { ...judgeAnswer(answer, spec), status: answer.status };
  } catch (error) {
    const failure = toTomcatPdError(error);
    if (!(failure instanceof ConnectionError)) throw failure;
    // A wrong host name or a TLS rejection will not heal while we wait.
    const why = `gave no answer (${failure.reason ?? failure.message})`;
    return { kind: failure.transient ? 'not-yet' : 'unhealthy', why, status: null };
  }
}

function seconds(ms: number): number {
  return Number((ms / 1000).toFixed(1));
}

/** `http://h/shop/health answered HTTP 500: "broken"`: the failed probe in words. */
export function describeFailedProbe(results: readonly ProbeResult[]): string {
  const failed = results.find((result) => !result.ok);
  return failed === undefined ? 'every probe passed' : `${failed.url} ${failed.detail ?? 'failed'}`;
}

/**
 * Probes an app after an operation changed it (a rollback, an undeploy, a drain), in phase
 * `after`, as its `live` version. Nothing throws for an unhealthy app, since the change is done:
 * the probes say how it answered, and what to do is the caller's decision. With no live version
 * nothing can answer, so each path fails at once instead of waiting out the time-out. No probe
 * asked for: no probes.
 */
export async function probeAfter(
  client: ManagerClient,
  path: string,
  spec: ProbeSpec | undefined,
  /** The live version, or a function that reads it (called only when there is a probe). */
  live: string | undefined | (() => Promise<string | undefined>),
  context: RunContext,
): Promise<ProbeResult[]> {
  if (spec === undefined) return [];
  const version = typeof live === 'function' ? await live() : live;
  if (version !== undefined) return runProbes(client, { path, phase: 'after', version }, spec, context);
  return spec.paths.map((probe) => ({
    phase: 'after',
    target: client.name,
    path,
    url: `${client.appUrl}${probePath(path, probe)}`,
    status: null,
    ms: 0,
    ok: false,
    detail: 'was not requested: no version of the app is running',
  }));
}
