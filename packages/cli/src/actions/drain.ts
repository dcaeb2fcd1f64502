import {
  ErrorCode,
  TomcatPdError,
  onEachTarget,
  type DrainReport,
  type ManagerClient,
} from '@tomcat-pd/core';
import {
  drainContextOf,
  drainLoopContextOf,
  parseDrainLoopOptions,
  parseDrainOptions,
  parseDrainWaitOptions,
  runDrain,
  runDrainUntilDone,
  runFleetDrainPeriodically,
  type DrainLoopSpec,
  type DrainSpec,
  type DrainWaitSpec,
} from '@tomcat-pd/core/internal';
import type { CommandLine } from '../command-line.js';
import { DEFAULT_WAIT_TIMEOUT_MS, MIN_EVERY_MS, type DrainFlags } from '../commands/drain.js';
import type { CliContext } from '../context.js';
import type { ChangeStart } from '../events/change-event.js';
import { formatDuration, parseDuration, parseWholeNumber } from '../flags/flag-values.js';
import { probeOptionsOf } from '../flags/probe-flags.js';
import { UsageError } from '@tomcat-pd/core/errors';
import {
  cycleDocument,
  describePending,
  drainDocument,
  drainWaitDocument,
  renderDrainReport,
  summarizeCycle,
} from '../render/drain.js';
import { readLocksBlock } from '../lock/locks-block.js';
import { reportOutcomes } from '../target-outcomes.js';
import { throwIfUnhealthy } from '../unhealthy.js';
import { appLock, targetLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';

/** What a drain does, checked: one drain (or its plan), a drain until done, or a drain on an interval. */
type DrainInput =
  | { mode: 'once'; spec: DrainSpec }
  | { mode: 'wait'; spec: DrainWaitSpec; timeoutText: string }
  | { mode: 'every'; spec: DrainLoopSpec };

/** Every option is checked before connecting: a usage error sends nothing. */
export function parse({ flags }: CommandLine<DrainFlags>): DrainInput {
  const options = {
    path: flags.path,
    keep: flags.keep === undefined ? undefined : parseWholeNumber(flags.keep, '--keep'),
    expireIdleMinutes:
      flags.expireIdle === undefined ? undefined : parseWholeNumber(flags.expireIdle, '--expire-idle'),
    graceMs: flags.grace === undefined ? undefined : parseDuration(flags.grace, '--grace'),
    probe: probeOptionsOf(flags, {}, { smoke: false }).probe,
    checkLeaks: flags.checkLeaks,
  };
  // commander has already refused two modes at once (Option.conflicts).
  if (flags.every !== undefined) {
    const intervalMs = parseDuration(flags.every, '--every');
    if (intervalMs < MIN_EVERY_MS) {
      throw new UsageError(`--every takes ${formatDuration(MIN_EVERY_MS)} or more, not "${flags.every}".`);
    }
    return { mode: 'every', spec: parseDrainLoopOptions({ ...options, intervalMs }) };
  }
  if (flags.wait === true) {
    const timeoutText = flags.waitTimeout ?? formatDuration(DEFAULT_WAIT_TIMEOUT_MS);
    const timeoutMs = parseDuration(timeoutText, '--wait-timeout');
    return { mode: 'wait', spec: parseDrainWaitOptions({ ...options, timeoutMs, eta: true }), timeoutText };
  }
  if (flags.waitTimeout !== undefined) {
    throw new UsageError('--wait-timeout is how long --wait waits; it needs --wait.');
  }
  return { mode: 'once', spec: parseDrainOptions({ ...options, dryRun: flags.dryRun }) };
}

/**
 * Every drain but `--dry-run` is a change, whether or not it finds a version to undeploy: what it
 * would remove is known only once it ran, and an audit trail shows that it ran.
 */
export function change(input: DrainInput): ChangeStart | undefined {
  const spec = input.mode === 'once' ? input.spec : input.spec.drain;
  return spec.dryRun ? undefined : { event: 'drain', app: spec.path };
}

/**
 * A drain that may undeploy holds the lock of its app, or of the whole targets without --path.
 * `--every` holds none: a drain for days would keep every deploy out (docs/lock.md#drain-every).
 */
export function lock(input: DrainInput): LockRequest | undefined {
  if (input.mode === 'every') return undefined;
  const spec = input.mode === 'once' ? input.spec : input.spec.drain;
  if (spec.dryRun) return undefined;
  const { path } = spec;
  return path === undefined ? targetLock('drain') : appLock('drain', path);
}

/**
 * `tomcat-pd drain [--path P] [--keep N] [--expire-idle MIN] [--grace D] [--dry-run | --wait
 * [--wait-timeout D] | --every D]` on every selected target, merged into one report. A target
 * that cannot be reached does not stop the others: they are drained, the report says which
 * failed, and the exit code is its.
 */
export async function run(context: CliContext, input: DrainInput): Promise<void> {
  const clients = await context.clients();
  // A drain that holds no lock (--dry-run, --every) says who does: its plan may be out of date soon.
  if (context.heldLock === undefined) {
    const spec = input.mode === 'once' ? input.spec : input.spec.drain;
    const locks = await readLocksBlock(clients, spec.path, context.signal);
    for (const line of locks.text.split('\n').filter((text) => text !== '')) context.output.warn(line);
  }
  switch (input.mode) {
    case 'every':
      return drainEvery(context, clients, input.spec);
    case 'wait':
      return drainAndWait(context, clients, input.spec, input.timeoutText);
    case 'once':
      return drainOnce(context, clients, input.spec);
  }
}

async function drainOnce(context: CliContext, clients: ManagerClient[], spec: DrainSpec): Promise<void> {
  const { logger } = context.output;
  const outcomes = await onEachTarget(
    clients,
    (client, signal) => runDrain(client, spec, drainContextOf({ signal, logger })),
    { parallel: context.parallel, signal: context.signal },
  );
  // A target that could not be reached says why (exit 4, say); else a failed undeploy, exit 1.
  const reports = reportOutcomes(context, outcomes, {
    document: (values, errors) => drainDocument(values, spec.dryRun, errors),
    render: (values, several) => renderDrainReport(values, several, context.output.colors, spec.path),
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
async function drainEvery(context: CliContext, clients: ManagerClient[], spec: DrainLoopSpec): Promise<void> {
  const names = clients.map((client) => client.name).join(', ');
  context.output.info(`Draining ${names} every ${spec.intervalMs / 1000} s; Ctrl-C stops.`);
  await runFleetDrainPeriodically(
    clients,
    spec,
    drainLoopContextOf({
      signal: context.signal,
      logger: context.output.logger,
      onCycle: (cycle) => context.output.line(cycleDocument(cycle), () => summarizeCycle(cycle)),
    }),
  );
  context.output.info('Stopped.');
}

/**
 * `--wait`: every target drained until done, all at once; a progress line per cycle on stderr,
 * then the merged report. Complete only when every target is; exit 1 if time ran out.
 */
async function drainAndWait(
  context: CliContext,
  clients: ManagerClient[],
  spec: DrainWaitSpec,
  timeoutText: string,
): Promise<void> {
  const started = Date.now();
  const outcomes = await onEachTarget(
    clients,
    (client, signal) =>
      runDrainUntilDone(
        client,
        spec,
        drainLoopContextOf({
          signal,
          logger: context.output.logger,
          onCycle: (cycle) => context.output.info(summarizeCycle(cycle)),
        }),
      ),
    // Each target waits on its own sessions: none should wait for another's turn.
    { parallel: Math.max(clients.length, 1), signal: context.signal },
  );
  const results = reportOutcomes(context, outcomes, {
    document: (values, errors) => drainWaitDocument(values, errors, Date.now() - started),
    render: (values, several) => renderDrainReport(values, several, context.output.colors, spec.drain.path),
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
