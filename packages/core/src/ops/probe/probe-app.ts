import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectionError, ErrorCode, TomcatPdError, toTomcatPdError } from '../../errors/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import {
  PROBE_BODY_BYTES,
  judgeAnswer,
  probePath,
  validateProbeOptions,
  type ProbeOptions,
  type ProbePhase,
  type ProbeResult,
  type ProbeVerdict,
} from './probe-options.js';

export interface ProbeAppOptions {
  /** The app's context path (`/shop`, `/` for ROOT): the probe paths are under it. */
  path: string;
  probe: ProbeOptions;
  /** When the probe is made, for the report. @defaultValue `'after'` */
  phase?: ProbePhase | undefined;
  /** The version that should answer (the live one, or the one being smoke-tested), for the report. */
  version?: string | undefined;
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
}

/**
 * Probes an app as a new visitor reaches it (`client.appUrl`, no cookies, no credentials, so
 * Tomcat routes to the newest running version): each path in turn, tried again about every
 * `intervalMs` while the app is not up yet (no answer, 404, 503) until it answers healthy, or
 * `timeoutMs` ran out. Stops at the first path that fails. Never throws for an unhealthy app:
 * the results say; throws `E_ABORTED` when the signal fires, `E_USAGE` for bad options.
 */
export async function probeApp(client: ManagerClient, options: ProbeAppOptions): Promise<ProbeResult[]> {
  const probe = validateProbeOptions(options.probe);
  const results: ProbeResult[] = [];
  for (const path of probe.paths) {
    const result = await probeOne(client, probePath(options.path, path), probe, options);
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
  probe: ReturnType<typeof validateProbeOptions>,
  options: ProbeAppOptions,
): Promise<ProbeResult> {
  const logger = options.logger ?? silentLogger;
  const url = `${client.appUrl}${path}`;
  const started = Date.now();
  const deadline = started + probe.timeoutMs;
  let said = false;
  // What the app last answered: when the last try only ran into the deadline, that is the news.
  let answered: { why: string; status: number } | undefined;
  logger.info?.(`${client.name}: probing ${url} (up to ${seconds(probe.timeoutMs)} s)`);
  for (;;) {
    const verdict = await tryOnce(client, path, probe, deadline, options.signal);
    const result = {
      phase: options.phase ?? 'after',
      target: client.name,
      path: options.path,
      ...(options.version === undefined ? {} : { version: options.version }),
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
        detail: `${last.why}; still not up after ${seconds(probe.timeoutMs)} s`,
      };
    }
    if (!said) logger.info?.(`${client.name}: ${url} ${verdict.why}; trying again until it is up`);
    said = true;
    await pause(Math.min(probe.intervalMs, left), options.signal);
  }
}

/** One request and its verdict; no answer (refused, reset, timed out) is "not yet" while time is left. */
async function tryOnce(
  client: ManagerClient,
  path: string,
  probe: ReturnType<typeof validateProbeOptions>,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<ProbeVerdict & { status: number | null }> {
  try {
    const answer = await client.visit(path, {
      timeoutMs: Math.max(deadline - Date.now(), 1),
      maxBodyBytes: PROBE_BODY_BYTES,
      signal,
    });
    return { ...judgeAnswer(answer, probe), status: answer.status };
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

async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw new TomcatPdError(ErrorCode.aborted, 'The probe was aborted.');
  }
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
 * nothing can answer, so each path fails at once instead of waiting out the time-out.
 */
export async function probeAfter(
  client: ManagerClient,
  options: Omit<ProbeAppOptions, 'phase' | 'version' | 'probe'> & {
    /** No probe asked for: no probes. */
    probe?: ProbeOptions | undefined;
    /** The live version, or a function that reads it (called only when there is a probe). */
    live: string | undefined | (() => Promise<string | undefined>);
  },
): Promise<ProbeResult[]> {
  const { probe } = options;
  if (probe === undefined) return [];
  const live = typeof options.live === 'function' ? await options.live() : options.live;
  if (live !== undefined) return probeApp(client, { ...options, probe, phase: 'after', version: live });
  const { paths } = validateProbeOptions(probe);
  return paths.map((path) => ({
    phase: 'after',
    target: client.name,
    path: options.path,
    url: `${client.appUrl}${probePath(options.path, path)}`,
    status: null,
    ms: 0,
    ok: false,
    detail: 'was not requested: no version of the app is running',
  }));
}
