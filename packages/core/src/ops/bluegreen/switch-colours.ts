import type { AdminState } from '../../balancer/member-state.js';
import { sleep } from '../../common/sleep.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { membersDown } from '../lb/members-down.js';
import { checkTargetServes } from '../lb/ready-target.js';
import { runTargetState } from '../lb/set-target-state.js';
import type { RunContext } from '../run-context.js';
import type { SwitchSpec } from './blue-green-options.js';
import type { BlueGreenStep } from './blue-green-report.js';
import type { StepLog } from './step-log.js';
import { targetsAre } from './targets-said.js';

/** A switch from one colour to the other. */
export interface ColourSwitch {
  /** Made ready first, proven to serve beforehand and up on every balancer after. */
  readonly to: readonly string[];
  /** Drained once `to` takes new visitors. */
  readonly from: readonly string[];
  /** The state each target of `to` had: what it is put back to when the switch is undone. */
  readonly before: ReadonlyMap<string, AdminState>;
}

/** A switch stopped at a step, with the colour that takes new visitors now. */
export interface SwitchStopped {
  readonly ok: false;
  readonly step: Extract<BlueGreenStep, 'ready' | 'drain'>;
  readonly error: TomcatPdError;
  /** The targets that take new visitors now: ready on every balancer. */
  readonly live: readonly string[];
  /** What became of each colour, in words. */
  readonly note: string;
}

/** How a switch ended: done, or stopped. */
export type SwitchOutcome = { readonly ok: true } | SwitchStopped;

/**
 * Switches colours so that some colour takes new visitors at every moment (docs/blue-green.md):
 * `to` is made ready (each target proven to serve first, `readyTarget`'s check, then up on every
 * balancer), and only then `from` is drained. A failure while `to` is made ready puts it back to
 * the state it had (`from` was never touched); a failure while `from` is drained makes the
 * drained part of `from` ready again, then puts `to` back, but only if `from` is all ready again:
 * otherwise `to` stays ready. Never both drained, never both in maint. The signal is not heeded
 * once the switch began: a half-made switch is what it must never leave.
 */
export async function switchColours(
  change: ColourSwitch,
  spec: SwitchSpec,
  context: RunContext,
  log: StepLog | undefined,
): Promise<SwitchOutcome> {
  const steady: RunContext = { signal: undefined, logger: context.logger };
  const track = (step: 'ready' | 'drain', targets: readonly string[], work: () => Promise<void>) =>
    log === undefined ? work() : log.run(step, targets, work);

  const readied: string[] = [];
  try {
    await track('ready', change.to, () => readyColour(change.to, readied, spec, steady));
  } catch (caught) {
    const stuck = await putBack(readied, change.before, spec, steady);
    const to =
      stuck.length === 0
        ? `${change.to.join(', ')} went back to ${describeBefore(change)}`
        : `${targetsAre(stuck)} could not be put back and stay ready`;
    return {
      ok: false,
      step: 'ready',
      error: toTomcatPdError(caught),
      live: [...change.from, ...stuck],
      note: `${targetsAre(change.from)} still taking new visitors; ${to}.`,
    };
  }

  const drained: string[] = [];
  try {
    await track('drain', change.from, () => drainColour(change.from, drained, spec, steady));
    return { ok: true };
  } catch (caught) {
    const stillDrained = await makeReady(drained, spec, steady);
    // The new colour goes back only once the old one takes new visitors again everywhere.
    const stuck =
      stillDrained.length === 0 ? await putBack(change.to, change.before, spec, steady) : [...change.to];
    const to =
      stuck.length === 0
        ? `${change.to.join(', ')} went back to ${describeBefore(change)}`
        : `${targetsAre(stuck)} ready and taking new visitors`;
    return {
      ok: false,
      step: 'drain',
      error: toTomcatPdError(caught),
      live: [...change.from.filter((target) => !stillDrained.includes(target)), ...stuck],
      note:
        stillDrained.length === 0
          ? `${targetsAre(change.from)} ready again; ${to}.`
          : `${targetsAre(stillDrained)} could not be made ready again, so ${to}.`,
    };
  }
}

/** Each target proven to serve, then made ready on every balancer (noted in `readied`); then all up. */
async function readyColour(
  targets: readonly string[],
  readied: string[],
  spec: SwitchSpec,
  context: RunContext,
): Promise<void> {
  for (const target of targets) {
    const client = spec.clients.find((candidate) => candidate.name === target)!;
    await checkTargetServes(client, spec.probes, spec.probeTimeoutMs, context);
    readied.push(target);
    await runTargetState({ balancers: spec.balancers, target, state: 'ready', force: false }, context);
  }
  await waitUp(targets, spec, context);
}

/** Each target drained on every balancer, noted in `drained` before it is asked (a failure may have changed it on some). */
async function drainColour(
  targets: readonly string[],
  drained: string[],
  spec: SwitchSpec,
  context: RunContext,
): Promise<void> {
  for (const target of targets) {
    drained.push(target);
    await runTargetState({ balancers: spec.balancers, target, state: 'drain', force: false }, context);
  }
}

/** Waits until every target is not down on any balancer (its checks passed, or it has none). */
async function waitUp(targets: readonly string[], spec: SwitchSpec, context: RunContext): Promise<void> {
  const started = Date.now();
  for (;;) {
    const down = (await membersDown(spec.balancers, targets, context.signal)).map(
      ({ balancer, member }) => `${member} on ${balancer}`,
    );
    if (down.length === 0) return;
    const elapsed = Date.now() - started;
    if (elapsed >= spec.upTimeoutMs) {
      throw new TomcatPdError(
        ErrorCode.operation,
        `${targetsAre(down)} still down after ${Math.round(spec.upTimeoutMs / 1000)} s: the balancer's health check fails there.`,
        { hint: "Check that the app answers the balancer's health check on that Tomcat." },
      );
    }
    await sleep(Math.min(spec.intervalMs, spec.upTimeoutMs - elapsed));
  }
}

/** Puts each target back to the state it had; returns those that could not be. */
async function putBack(
  targets: readonly string[],
  before: ReadonlyMap<string, AdminState>,
  spec: SwitchSpec,
  context: RunContext,
): Promise<string[]> {
  const stuck: string[] = [];
  for (const target of [...targets].reverse()) {
    const state = before.get(target) ?? 'maint';
    try {
      await runTargetState({ balancers: spec.balancers, target, state, force: false }, context);
    } catch (caught) {
      context.logger.error?.(
        `${target} could not be put back to ${state}: ${toTomcatPdError(caught).message}`,
      );
      stuck.push(target);
    }
  }
  return stuck;
}

/** Makes each target ready again; returns those that could not be. */
async function makeReady(
  targets: readonly string[],
  spec: SwitchSpec,
  context: RunContext,
): Promise<string[]> {
  const stuck: string[] = [];
  for (const target of targets) {
    try {
      await runTargetState({ balancers: spec.balancers, target, state: 'ready', force: false }, context);
    } catch (caught) {
      context.logger.error?.(`${target} could not be made ready again: ${toTomcatPdError(caught).message}`);
      stuck.push(target);
    }
  }
  return stuck;
}

function describeBefore(change: ColourSwitch): string {
  const states = new Set(change.to.map((target) => change.before.get(target) ?? 'maint'));
  return [...states].join(' or ');
}
