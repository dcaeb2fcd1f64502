import {
  ErrorCode,
  TomcatPdError,
  UsageError,
  drain,
  drainUntilDone,
  fleetDrainPeriodically,
  onEachTarget,
  validateContextPath,
  type DrainOptions,
  type DrainReport,
  type ManagerClient,
} from '@tomcat-pd/core';
import type { CommandLine } from '../command-line.js';
import type { CliContext } from '../context.js';
import { parseDuration, parseWholeNumber } from '../durations.js';
import { parseProbeFlags, type ProbeFlags } from '../probe-flags.js';
import {
  cycleDocument,
  describePending,
  drainDocument,
  drainWaitDocument,
  renderDrainReport,
  summarizeCycle,
} from '../render/drain.js';
import { reportOutcomes } from '../target-outcomes.js';
import { throwIfUnhealthy } from '../unhealthy.js';

interface DrainCliOptions extends ProbeFlags {
  path?: string;
  keep?: string;
  expireIdle?: string;
  grace?: string;
  dryRun?: boolean;
  wait?: boolean;
  waitTimeout?: string;
  every?: string;
  checkLeaks?: boolean;
  /** Set by adoptLegacyWaitTimeout: the wait time-out was given as `--timeout`. */
  legacyWaitTimeout?: boolean;
}

/** What a drain does: one drain (or its plan), a drain until done, or a drain on an interval. */
type DrainMode =
  | { kind: 'once'; dryRun: boolean }
  | { kind: 'wait'; timeoutMs: number; timeoutText: string; legacySpelling: boolean }
  | { kind: 'every'; intervalMs: number };

interface DrainInput {
  mode: DrainMode;
  options: Pick<DrainOptions, 'path' | 'keep' | 'expireIdleMinutes' | 'graceMs' | 'probe' | 'checkLeaks'>;
}

const DEFAULT_WAIT_TIMEOUT = '30m';

/** Every option is checked before connecting: a usage error sends nothing. */
export function parse({ options }: CommandLine<DrainCliOptions>): DrainInput {
  return {
    mode: modeOf(options),
    options: {
      path: options.path === undefined ? undefined : validateContextPath(options.path),
      keep: options.keep === undefined ? undefined : parseWholeNumber(options.keep, '--keep'),
      expireIdleMinutes:
        options.expireIdle === undefined ? undefined : parseWholeNumber(options.expireIdle, '--expire-idle'),
      graceMs: options.grace === undefined ? undefined : parseDuration(options.grace, '--grace'),
      probe: parseProbeFlags(options, {}, { smoke: false }).probe,
      checkLeaks: options.checkLeaks === true,
    },
  };
}

/** The mode; commander has already refused two modes at once (Option.conflicts). */
function modeOf(options: DrainCliOptions): DrainMode {
  if (options.every !== undefined) {
    const intervalMs = parseDuration(options.every, '--every');
    // A drain lists every app on the server: more often than each second only loads Tomcat.
    if (intervalMs < 1000) throw new UsageError(`--every takes 1s or more, not "${options.every}".`);
    return { kind: 'every', intervalMs };
  }
  if (options.wait) {
    const timeoutText = options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT;
    const flag = options.legacyWaitTimeout ? '--timeout' : '--wait-timeout';
    return {
      kind: 'wait',
      timeoutMs: parseDuration(timeoutText, flag),
      timeoutText,
      legacySpelling: options.legacyWaitTimeout ?? false,
    };
  }
  if (options.waitTimeout !== undefined) {
    throw new UsageError('--wait-timeout is how long --wait waits; it needs --wait.');
  }
  return { kind: 'once', dryRun: options.dryRun ?? false };
}

/**
 * `tomcat-pd drain [--path P] [--keep N] [--expire-idle MIN] [--grace D] [--dry-run | --wait
 * [--wait-timeout D] | --every D]` on every selected target, merged into one report. A target
 * that cannot be reached does not stop the others: they are drained, the report says which
 * failed, and the exit code is its.
 */
export async function run(context: CliContext, { mode, options }: DrainInput): Promise<void> {
  if (mode.kind === 'wait' && mode.legacySpelling) {
    context.output.warn(
      'drain --timeout as the wait time-out is deprecated: use --wait-timeout. Later, --timeout after ' +
        'drain will be the time-out of each request, as for every other command.',
    );
  }
  const clients = await context.clients();
  const drainOptions = { ...options, signal: context.signal, logger: context.output.logger };
  switch (mode.kind) {
    case 'every':
      return drainEvery(context, clients, drainOptions, mode.intervalMs);
    case 'wait':
      return drainAndWait(context, clients, drainOptions, mode.timeoutMs, mode.timeoutText);
    case 'once':
      return drainOnce(context, clients, { ...drainOptions, dryRun: mode.dryRun });
  }
}

async function drainOnce(
  context: CliContext,
  clients: ManagerClient[],
  options: DrainOptions,
): Promise<void> {
  const dryRun = options.dryRun ?? false;
  const outcomes = await onEachTarget(clients, (client, signal) => drain(client, { ...options, signal }), {
    parallel: context.parallel,
    signal: options.signal,
  });
  // A target that could not be reached says why (exit 4, say); else a failed undeploy, exit 1.
  const reports = reportOutcomes(context, outcomes, {
    document: (values, errors) => drainDocument(values, dryRun, errors),
    render: (values, several) => renderDrainReport(values, several, context.output.colors, options.path),
  });
  throwIfUnhealthy(
    reports.flatMap((report) => report.probes),
    'drain',
  );
  const failed = reports.filter((report) => report.failed > 0);
  if (failed.length > 0) {
    const count = failed.reduce((total, report) => total + report.failed, 0);
    throw new TomcatPdError(
      ErrorCode.operation,
      `${count === 1 ? '1 version' : `${count} versions`} could not be undeployed on ${failed.map((report) => report.target).join(', ')}.`,
      { hint: 'See the REASON column (or "detail" in the JSON); a later drain tries again.' },
    );
  }
}

/**
 * `--every`: a loop per target, all at once, one line per cycle of each, until SIGINT/SIGTERM
 * aborts the signal; then exit 0. The core stops every loop when one meets an error that every
 * later cycle would meet again (401, 403), and the command exits with that error's code.
 */
async function drainEvery(
  context: CliContext,
  clients: ManagerClient[],
  options: DrainOptions,
  intervalMs: number,
): Promise<void> {
  const names = clients.map((client) => client.name).join(', ');
  context.output.info(`Draining ${names} every ${intervalMs / 1000} s; Ctrl-C stops.`);
  await fleetDrainPeriodically(clients, {
    ...options,
    intervalMs,
    onCycle: (cycle) => context.output.line(cycleDocument(cycle), () => summarizeCycle(cycle)),
  });
  context.output.info('Stopped.');
}

/**
 * `--wait`: every target drained until done, all at once; a progress line per cycle on stderr,
 * then the merged report. Complete only when every target is; exit 1 if time ran out.
 */
async function drainAndWait(
  context: CliContext,
  clients: ManagerClient[],
  options: DrainOptions,
  timeoutMs: number,
  timeoutText: string,
): Promise<void> {
  const started = Date.now();
  const outcomes = await onEachTarget(
    clients,
    (client, signal) =>
      drainUntilDone(client, {
        ...options,
        signal,
        timeoutMs,
        eta: true,
        onCycle: (cycle) => context.output.info(summarizeCycle(cycle)),
      }),
    // Each target waits on its own sessions: none should wait for another's turn.
    { parallel: Math.max(clients.length, 1), signal: options.signal },
  );
  const results = reportOutcomes(context, outcomes, {
    document: (values, errors) => drainWaitDocument(values, errors, Date.now() - started),
    render: (values, several) => renderDrainReport(values, several, context.output.colors, options.path),
  });
  throwIfUnhealthy(
    results.flatMap((result) => result.probes),
    'drain',
  );
  const left = results.filter((result) => !result.complete);
  if (left.length > 0) {
    throw new TomcatPdError(
      ErrorCode.operation,
      `Gave up waiting after ${timeoutText}; ${left.map(describeLeft).join('; ')}.`,
      {
        hint: 'Sessions end when their visitors leave or time out: wait longer with --wait-timeout, or expire idle ones with --expire-idle MINUTES.',
      },
    );
  }
}

/** `still to go on web1: /shop##001 (draining: 3 sessions)` */
function describeLeft(report: DrainReport): string {
  return `still to go on ${report.target}: ${describePending(report)}`;
}
