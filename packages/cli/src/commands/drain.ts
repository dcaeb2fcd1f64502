import {
  ErrorCode,
  TomcatPdError,
  drain,
  drainPeriodically,
  drainUntilDone,
  usageError,
  type DrainOptions,
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
 * A failure that carries the drain's report: with `--json` the error is the one document on
 * stdout, so the report rides inside it instead of being a second document before it.
 */
class DrainFailedError extends TomcatPdError {
  constructor(
    message: string,
    hint: string,
    private readonly report: unknown,
  ) {
    super(ErrorCode.operation, message, { hint });
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), report: this.report };
  }
}

/** `tomcat-pd drain [--path P] [--keep N] [--expire-idle MIN] [--grace D] [--dry-run] [--wait [--timeout D]] [--every D]` */
export async function run(context: CliContext, _args: unknown[], options: DrainCliOptions): Promise<void> {
  checkModes(options);
  // Every option is parsed before connecting: a usage error sends nothing.
  const drainOptions = parseDrainOptions(options, context);
  const timeoutMs = parseDuration(options.timeout ?? '30m', '--timeout');
  const everyMs = options.every === undefined ? undefined : parseInterval(options.every);
  const client = await context.client();
  if (everyMs !== undefined) return drainEvery(context, client, drainOptions, everyMs);
  if (options.wait) return drainAndWait(context, client, drainOptions, timeoutMs, options.timeout ?? '30m');
  const report = await drain(client, drainOptions);
  const failure =
    report.failed > 0
      ? new DrainFailedError(
          `${report.failed === 1 ? '1 version' : `${report.failed} versions`} could not be undeployed on ${report.target}.`,
          'See the REASON column (or "detail" in the JSON); a later drain tries again.',
          drainDocument(report),
        )
      : undefined;
  finish(context, drainDocument(report), () => renderDrainReport(report, context.output.colors), failure);
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
    ...(options.path === undefined ? {} : { path: options.path }),
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

/** `--every`: one line per cycle until SIGINT/SIGTERM aborts the signal; then exit 0. */
async function drainEvery(
  context: CliContext,
  client: ManagerClient,
  options: DrainOptions,
  intervalMs: number,
): Promise<void> {
  context.output.info(`Draining ${client.name} every ${intervalMs / 1000} s; Ctrl-C stops.`);
  await drainPeriodically(client, {
    ...options,
    intervalMs,
    onCycle: (cycle) => context.output.line(cycleDocument(cycle), () => summarizeCycle(cycle, client.name)),
  });
  context.output.info('Stopped.');
}

/** `--wait`: a progress line per cycle on stderr, the final report; exit 1 if time ran out. */
async function drainAndWait(
  context: CliContext,
  client: ManagerClient,
  options: DrainOptions,
  timeoutMs: number,
  timeoutText: string,
): Promise<void> {
  const result = await drainUntilDone(client, {
    ...options,
    timeoutMs,
    onCycle: (cycle) => context.output.info(summarizeCycle(cycle, client.name)),
  });
  const document = { ...drainDocument(result), complete: result.complete, waitedMs: result.waitedMs };
  const failure = result.complete
    ? undefined
    : new DrainFailedError(
        `Gave up waiting after ${timeoutText}; still to go on ${result.target}: ${describePending(result)}.`,
        'Sessions end when their visitors leave or time out: wait longer with --timeout, or expire idle ones with --expire-idle MINUTES.',
        document,
      );
  finish(context, document, () => renderDrainReport(result, context.output.colors), failure);
}

/** Prints the report, then fails if it must. With --json the failure alone is the document. */
function finish(context: CliContext, document: unknown, human: () => string, failure?: TomcatPdError): void {
  if (!(failure && context.output.json)) context.output.result(document, human);
  if (failure) throw failure;
}
