import {
  ErrorCode,
  TomcatPdError,
  asTomcatPdError,
  drain,
  drainPeriodically,
  drainUntilDone,
  onEachTarget,
  usageError,
  validateContextPath,
  type DrainOptions,
  type DrainReport,
  type DrainUntilDoneResult,
  type ManagerClient,
} from '@tomcat-pd/core';
import type { CliContext } from '../context.js';
import { parseDuration, parseWholeNumber } from '../durations.js';
import {
  cycleDocument,
  describePending,
  drainDocument,
  renderDrainReport,
  summarizeCycle,
} from '../render-drain.js';
import { errorsDocument, reportOutcomes } from '../target-outcomes.js';

interface DrainCliOptions {
  path?: string;
  keep?: string;
  expireIdle?: string;
  grace?: string;
  dryRun?: boolean;
  wait?: boolean;
  /** The wait time-out (drain's own option; the request time-out stands before `drain`). */
  timeout?: string;
  every?: string;
}

/**
 * `tomcat-pd drain [--path P] [--keep N] [--expire-idle MIN] [--grace D] [--dry-run] [--wait [--timeout D]] [--every D]`
 * on every selected target, merged into one report. A target that cannot be reached does not
 * stop the others: they are drained, the report says which failed, and the exit code is its.
 */
export async function run(context: CliContext, _args: unknown[], options: DrainCliOptions): Promise<void> {
  checkModes(options);
  // Every option is parsed before connecting: a usage error sends nothing.
  const drainOptions = parseDrainOptions(options, context);
  const timeoutMs = parseDuration(options.timeout ?? '30m', '--timeout');
  const everyMs = options.every === undefined ? undefined : parseInterval(options.every);
  const clients = await context.clients();
  if (everyMs !== undefined) return drainEvery(context, clients, drainOptions, everyMs);
  if (options.wait) return drainAndWait(context, clients, drainOptions, timeoutMs, options.timeout ?? '30m');
  const outcomes = await onEachTarget(clients, (client) => drain(client, drainOptions), {
    parallel: context.parallel,
  });
  // A target that could not be reached says why (exit 4, say); else a failed undeploy, exit 1.
  const reports = reportOutcomes(context, outcomes, {
    document: (values, errors) => ({
      ...drainDocument(values, drainOptions.dryRun ?? false),
      errors: errorsDocument(errors),
    }),
    render: (values, several) => renderDrainReport(values, several, context.output.colors, drainOptions.path),
  });
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

function checkModes(options: DrainCliOptions): void {
  if (options.every !== undefined && (options.wait || options.dryRun)) {
    throw usageError(
      '--every keeps draining until it is stopped; it goes with neither --wait nor --dry-run.',
    );
  }
  if (options.wait && options.dryRun) {
    throw usageError('--wait waits for versions to be undeployed, which a --dry-run never does.');
  }
  if (options.timeout !== undefined && !options.wait) {
    throw usageError(
      "drain's --timeout is how long --wait waits; it needs --wait.",
      'The time-out of each request goes before the command: tomcat-pd --timeout 60s drain ...',
    );
  }
}

function parseDrainOptions(options: DrainCliOptions, context: CliContext): DrainOptions {
  return {
    ...(options.path === undefined ? {} : { path: validateContextPath(options.path) }),
    ...(options.keep === undefined ? {} : { keep: parseWholeNumber(options.keep, '--keep') }),
    ...(options.expireIdle === undefined
      ? {}
      : { expireIdleMinutes: parseWholeNumber(options.expireIdle, '--expire-idle') }),
    ...(options.grace === undefined ? {} : { graceMs: parseDuration(options.grace, '--grace') }),
    dryRun: options.dryRun ?? false,
    signal: context.signal,
    logger: context.output.logger,
  };
}

function parseInterval(text: string): number {
  const everyMs = parseDuration(text, '--every');
  // A drain lists every app on the server: more often than each second only loads Tomcat.
  if (everyMs < 1000) throw usageError(`--every takes 1s or more, not "${text}".`);
  return everyMs;
}

/**
 * `--every`: a loop per target, all at once, one line per cycle of each, until SIGINT/SIGTERM
 * aborts the signal; then exit 0. A loop that ends with an error every later cycle would meet
 * again (401, 403) stops the others, and the command exits with that error's code.
 */
async function drainEvery(
  context: CliContext,
  clients: ManagerClient[],
  options: DrainOptions,
  intervalMs: number,
): Promise<void> {
  const names = clients.map((client) => client.name).join(', ');
  context.output.info(`Draining ${names} every ${intervalMs / 1000} s; Ctrl-C stops.`);
  const controller = new AbortController();
  const stop = () => controller.abort();
  context.signal.addEventListener('abort', stop, { once: true });
  if (context.signal.aborted) stop();
  // The first loop to end with an error; the others are then stopped.
  let fatal: TomcatPdError | undefined;
  try {
    await Promise.all(
      clients.map(async (client) => {
        try {
          await drainPeriodically(client, {
            ...options,
            signal: controller.signal,
            intervalMs,
            onCycle: (cycle) =>
              context.output.line(cycleDocument(client.name, cycle), () =>
                summarizeCycle(cycle, client.name),
              ),
          });
        } catch (error) {
          const failure = asTomcatPdError(error);
          fatal ??= failure;
          if (clients.length > 1 && !controller.signal.aborted) {
            context.output.info(`${client.name}: ${failure.message} Stopping the other targets.`);
          }
          controller.abort();
        }
      }),
    );
  } finally {
    context.signal.removeEventListener('abort', stop);
  }
  if (fatal !== undefined) throw fatal;
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
    (client) =>
      drainUntilDone(client, {
        ...options,
        timeoutMs,
        onCycle: (cycle) => context.output.info(summarizeCycle(cycle, client.name)),
      }),
    // Each target waits on its own sessions: none should wait for another's turn.
    { parallel: Math.max(clients.length, 1) },
  );
  const results = reportOutcomes(context, outcomes, {
    document: (values: DrainUntilDoneResult[], errors) => ({
      ...drainDocument(values, false),
      errors: errorsDocument(errors),
      complete: errors.length === 0 && values.every((result) => result.complete),
      waitedMs: Date.now() - started,
    }),
    render: (values, several) => renderDrainReport(values, several, context.output.colors, options.path),
  });
  const left = results.filter((result) => !result.complete);
  if (left.length > 0) {
    throw new TomcatPdError(
      ErrorCode.operation,
      `Gave up waiting after ${timeoutText}; ${left.map(describeLeft).join('; ')}.`,
      {
        hint: 'Sessions end when their visitors leave or time out: wait longer with --timeout, or expire idle ones with --expire-idle MINUTES.',
      },
    );
  }
}

/** `still to go on web1: /shop##001 (draining: 3 sessions)` */
function describeLeft(report: DrainReport): string {
  return `still to go on ${report.target}: ${describePending(report)}`;
}
