import type { Balancer } from '../../balancer/balancer.js';
import { changeMemberState } from '../../balancer/change-member-state.js';
import { sleep } from '../../common/sleep.js';
import { AbortedError } from '../../errors/error-classes.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { membersDown } from '../lb/members-down.js';
import { checkTargetServes } from '../lb/ready-target.js';
import { runTargetState, type BalancerStateChange } from '../lb/set-target-state.js';
import { visitorSessionContexts } from '../lb/visitor-sessions.js';
import { drainedMembers, waitDrained, type DrainProgress } from '../lb/wait-drained.js';
import type { RunContext } from '../run-context.js';
import { notRunningAgain } from './apps-running.js';
import type { RestartSpec } from './restart-options.js';
import type { RestartStep, RestartStepRecord, TargetRestartReport } from './restart-report.js';

/** One target's restart stopped at `step`: what became of it, and the steps as they went. */
export interface TargetRestartStopped {
  readonly step: RestartStep;
  readonly error: TomcatPdError;
  /** Put back to the state it had (stopped before its command ran); else left in maint. */
  readonly putBack: boolean;
  readonly report: TargetRestartReport;
}

/** How one target's restart ended. */
export type TargetRestartOutcome =
  | { readonly ok: true; readonly report: TargetRestartReport }
  | { readonly ok: false; readonly stopped: TargetRestartStopped };

/** Ends the steps of a target that stopped; never leaves restartTarget. */
class StepStopped extends Error {
  constructor(readonly stopped: TargetRestartStopped) {
    super(stopped.error.message);
  }
}

/**
 * Restarts one target behind the balancers, in seven steps: drain, wait drained, maint (and no
 * request in flight), the user's command, the Manager and the apps running again, the apps
 * probed directly, ready (and up on every balancer). Before the command ran, a failure or an
 * abort puts the target back to the state it had; after, a failure leaves it in maint (a broken
 * node never gets visitors) and an abort is ignored until the target is checked and ready.
 * A stop is a value: what the roll needs to say where it stopped.
 */
export async function restartTarget(
  client: ManagerClient,
  spec: RestartSpec,
  context: RunContext,
): Promise<TargetRestartOutcome> {
  try {
    return { ok: true, report: await restartSteps(client, spec, context) };
  } catch (caught) {
    if (caught instanceof StepStopped) return { ok: false, stopped: caught.stopped };
    throw caught;
  }
}

async function restartSteps(
  client: ManagerClient,
  spec: RestartSpec,
  context: RunContext,
): Promise<TargetRestartReport> {
  const target = client.name;
  const steps: RestartStepRecord[] = [];
  let sessionsLost = 0;
  let before: readonly BalancerStateChange[] = [];
  let commandRan = false;

  const step = async <T>(name: RestartStep, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const startedAt = new Date(started).toISOString();
    spec.onStep?.(target, { step: name, startedAt, durationMs: undefined, outcome: undefined });
    const end = (outcome: 'done' | 'failed') => {
      const record = { step: name, startedAt, durationMs: Date.now() - started, outcome };
      steps.push(record);
      spec.onStep?.(target, record);
    };
    try {
      // Before the command, an abort stops the roll at the next step; after it, nothing does.
      if (!commandRan && context.signal?.aborted === true) {
        throw new AbortedError(`The restart of ${target} was stopped before its command ran.`);
      }
      const value = await work();
      end('done');
      return value;
    } catch (caught) {
      end('failed');
      const error = toTomcatPdError(caught);
      // Before it left drain for maint (or on an abort before its command) it goes back as it was.
      const putBack =
        !commandRan && (name === 'drain' || name === 'drained' || error.code === ErrorCode.aborted);
      if (putBack) await putBackTo(before, spec.balancers, context);
      else await leaveInMaint(target, spec.balancers, context);
      throw new StepStopped({
        step: name,
        error,
        putBack,
        report: {
          target,
          steps,
          sessionsLost,
          outcome: error.code === ErrorCode.aborted ? 'aborted' : 'failed',
        },
      });
    }
  };

  // What ran before, read first: after the restart, these must run again.
  const running = await step('drain', async () => {
    const entries = await client.list({ signal: context.signal });
    const change = await runTargetState(
      { balancers: spec.balancers, target, state: 'drain', force: false },
      context,
    );
    before = change.balancers;
    return visitorSessionContexts(entries, client)
      .filter((entry) => entry.state === 'running')
      .map((entry) => ({ path: entry.path, version: entry.version }));
  });

  await step('drained', async () => {
    let last: DrainProgress | undefined;
    const balancers = await drainedMembers(before, spec.balancers, context.signal);
    try {
      const drained = await waitDrained(
        {
          target,
          client,
          balancers,
          maxWaitMs: spec.maxDrainMs,
          expireIdleMinutes: spec.expireIdleMinutes,
          intervalMs: spec.intervalMs,
          onProgress: (progress) => (last = progress),
        },
        context,
      );
      // Sessions begun during the drain (returning visitors sent back by their route) are not
      // waited for, and end with the restart: counted as lost, and said.
      sessionsLost = drained.sessions;
      if (sessionsLost > 0) {
        context.logger.warn?.(
          `${target}: ${sessionsLost} sessions begun during the drain (visitors whose session had ended, sent back by their route) will be lost by its restart.`,
        );
      }
    } catch (caught) {
      const error = toTomcatPdError(caught);
      // waitDrained's one E_OPERATION is its longest wait passing; anything else stops the roll.
      if (error.code !== ErrorCode.operation || spec.onMaxDrain !== 'proceed' || last === undefined)
        throw error;
      sessionsLost = last.sessions;
      context.logger.warn?.(`${target}: ${sessionsLost} sessions will be lost by its restart.`);
    }
  });

  await step('maint', async () => {
    await runTargetState({ balancers: spec.balancers, target, state: 'maint', force: false }, context);
    await waitUntil(
      `requests in flight to ${target} to end`,
      spec.maxDrainMs,
      spec,
      context.signal,
      async () => (await inFlight(target, spec.balancers, context.signal)) === 0,
    );
  });

  await step('exec', async () => {
    const env = {
      TOMCAT_PD_TARGET: target,
      TOMCAT_PD_MANAGER_URL: client.managerUrl,
      TOMCAT_PD_APP_URL: client.appUrl,
    };
    if (context.signal?.aborted === true)
      throw new AbortedError(`The restart of ${target} was stopped before its command ran.`);
    commandRan = true;
    const exit = await spec.runnerOf(client).run(spec.exec, {
      env,
      timeoutMs: spec.execTimeoutMs,
      onLine: (line) => spec.onOutput?.(target, line),
    });
    if (exit.timedOut) {
      throw new TomcatPdError(
        ErrorCode.operation,
        `The command ran longer than ${seconds(spec.execTimeoutMs)} and was killed, with every process it started.`,
      );
    }
    if (exit.exitCode !== 0) {
      const how =
        exit.exitCode === null
          ? `was killed by ${exit.signal ?? 'a signal'}`
          : `exited with ${exit.exitCode}`;
      throw new TomcatPdError(ErrorCode.operation, `The command ${how}.`);
    }
  });

  // From here the caller's signal is not heeded: the target is checked and made ready first.
  await step('started', async () => {
    let waitingFor = `${target}'s Manager to answer again`;
    await waitUntil(
      () => waitingFor,
      spec.startTimeoutMs,
      spec,
      undefined,
      async () => {
        const entries = await client.list().catch((caught: unknown) => {
          waitingFor = `${target}'s Manager to answer again (last: ${toTomcatPdError(caught).message})`;
          return undefined;
        });
        if (entries === undefined) return false;
        const missing = notRunningAgain(running, entries);
        waitingFor = `${target}'s apps to run again: not running ${missing.join(', ')}`;
        return missing.length === 0;
      },
    );
  });

  await step('probe', () =>
    checkTargetServes(client, spec.probes, spec.probeTimeoutMs, {
      signal: undefined,
      logger: context.logger,
    }),
  );

  await step('ready', async () => {
    await runTargetState(
      { balancers: spec.balancers, target, state: 'ready', force: false },
      { signal: undefined, logger: context.logger },
    );
    // The target is not done until every balancer has it up (membersDown says why).
    let waitingFor = `${target} to be up on every balancer`;
    await waitUntil(
      () => waitingFor,
      spec.startTimeoutMs,
      spec,
      undefined,
      async () => {
        const [down] = await membersDown(spec.balancers, [target], undefined);
        if (down === undefined) return true;
        waitingFor = `${target} to be up on ${down.balancer}, where ${down.member} reads down`;
        return false;
      },
    );
  });

  return { target, steps, sessionsLost, outcome: 'done' };
}

/** Requests in flight to the target, over the balancers that count them. */
async function inFlight(target: string, balancers: readonly Balancer[], signal: AbortSignal | undefined) {
  let total = 0;
  for (const balancer of balancers) {
    const reading = await balancer.read({ signal });
    const member = reading.members.find((candidate) => candidate.name === balancer.memberName(target));
    total += member?.inFlight ?? 0;
  }
  return total;
}

/** A duration as the messages say it: `600 s`, `0.3 s`. */
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/**
 * Polls `done` every interval until it says yes; at `maxMs` a failure (`E_OPERATION`), on
 * `signal` an abort, each saying `what` was waited for (a function: what is still missing).
 */
async function waitUntil(
  what: string | (() => string),
  maxMs: number,
  spec: Pick<RestartSpec, 'intervalMs'>,
  signal: AbortSignal | undefined,
  done: () => Promise<boolean>,
): Promise<void> {
  const started = Date.now();
  const described = () => (typeof what === 'string' ? what : what());
  for (;;) {
    if (await done()) return;
    const elapsed = Date.now() - started;
    if (elapsed >= maxMs) {
      throw new TomcatPdError(ErrorCode.operation, `Waited ${seconds(maxMs)} for ${described()}.`);
    }
    if (!(await sleep(Math.min(spec.intervalMs, maxMs - elapsed), signal))) {
      throw new AbortedError(`The wait for ${described()} was stopped.`);
    }
  }
}

/** Puts the target back to the state it had on each balancer it was changed on; not stopped by the signal. */
async function putBackTo(
  changes: readonly BalancerStateChange[],
  balancers: readonly Balancer[],
  { logger }: RunContext,
): Promise<void> {
  for (const change of changes) {
    const balancer = balancers.find((candidate) => candidate.name === change.balancer)!;
    try {
      await changeMemberState(balancer, change.member, change.before, {});
    } catch (caught) {
      logger.error?.(
        `${change.member} could not be put back to ${change.before} on ${change.balancer}: ${toTomcatPdError(caught).message}`,
      );
    }
  }
}

/** Leaves a target that failed after its command in maint everywhere: a broken node never gets visitors. */
async function leaveInMaint(
  target: string,
  balancers: readonly Balancer[],
  { logger }: RunContext,
): Promise<void> {
  try {
    await runTargetState({ balancers, target, state: 'maint', force: true }, { signal: undefined, logger });
  } catch (caught) {
    logger.error?.(`${target} could not be put in maint: ${toTomcatPdError(caught).message}`);
  }
}
