import type { Balancer } from '../../balancer/balancer.js';
import { changeMemberState, missingMemberError } from '../../balancer/change-member-state.js';
import { ADMIN_STATES, type AdminState } from '../../balancer/member-state.js';
import {
  BalancerChangeError,
  UnsafeOperationError,
  usageError,
  type BalancerChangeReport,
} from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { runContextOf, type RunContext, type RunOptions } from '../run-context.js';
import { planTargetState, type PlannedChange, type ReadBalancer } from './plan-target-state.js';

export interface TargetStateOptions extends RunOptions {
  /** Every balancer of the config: the change applies to each that has the target as a member. */
  balancers: readonly Balancer[];
  /** The target (a Tomcat of the config) whose member state changes. */
  target: string;
  state: AdminState;
  /** Only this balancer (by name). */
  balancer?: string | undefined;
  /** Drain or maint even the last member that takes new visitors (its visitors get errors). */
  force?: boolean | undefined;
}

/** What a change did on one balancer. */
export interface BalancerStateChange {
  readonly balancer: string;
  readonly member: string;
  readonly before: AdminState;
  readonly after: AdminState;
  /** False when it had the state already: nothing was sent. */
  readonly changed: boolean;
}

export interface TargetStateReport {
  readonly target: string;
  readonly state: AdminState;
  readonly balancers: readonly BalancerStateChange[];
}

/** A change's options, checked. */
export interface TargetStateSpec {
  readonly balancers: readonly Balancer[];
  readonly target: string;
  readonly state: AdminState;
  readonly force: boolean;
}

/** Checks a change's options before anything is sent. @throws UsageError naming what is wrong. */
export function parseTargetStateOptions(
  options: Omit<TargetStateOptions, keyof RunOptions>,
): TargetStateSpec {
  if (!ADMIN_STATES.includes(options.state)) {
    throw usageError(`The state must be one of ${ADMIN_STATES.join(', ')}, not ${String(options.state)}.`);
  }
  if (options.target === '') throw usageError('Name the target whose state changes.');
  if (options.balancers.length === 0) {
    throw usageError('No balancer is configured: add "balancers" to the config file.');
  }
  const chosen =
    options.balancer === undefined
      ? options.balancers
      : options.balancers.filter((balancer) => balancer.name === options.balancer);
  if (chosen.length === 0) {
    const known = options.balancers.map((balancer) => balancer.name).join(', ');
    throw usageError(`No balancer is named ${options.balancer}; the config has ${known}.`);
  }
  return { balancers: chosen, target: options.target, state: options.state, force: options.force === true };
}

/**
 * Sets a target's admin state on every balancer that has it as a member, all or nothing: the
 * balancers are read first (a failure there changes nothing); taking the last member that takes
 * new visitors out of the ready state is refused (`E_UNSAFE`, rule `last-ready-member`) unless
 * forced; the changes are made one balancer after another, each read back
 * (`changeMemberState`); when one fails, those already changed are put back to the state they
 * had, and the error's report says what became of each.
 */
export async function setTargetState(options: TargetStateOptions): Promise<TargetStateReport> {
  return runTargetState(parseTargetStateOptions(options), runContextOf(options));
}

/** {@link setTargetState} with its options checked. */
export async function runTargetState(spec: TargetStateSpec, context: RunContext): Promise<TargetStateReport> {
  const read = await readBalancers(spec.balancers, context);
  const plan = planTargetState(read, spec.target, spec.state);
  if (plan.changes.length === 0) throw notAMember(read, spec.target);
  if (plan.lastReady.length > 0 && !spec.force) {
    const where = plan.lastReady.map(({ balancer, member }) => `${member} on ${balancer}`).join(', ');
    throw new UnsafeOperationError(
      'last-ready-member',
      `Refusing to ${spec.state} ${where}: no other member there would take new visitors, who would get errors. Nothing was changed.`,
      { hint: 'Make another member ready first, or force it if the outage is intended.' },
    );
  }
  return { target: spec.target, state: spec.state, balancers: await applyAll(plan.changes, spec, context) };
}

/** Every balancer read at once; one that cannot be read fails it all, before anything is changed. */
export async function readBalancers(
  balancers: readonly Balancer[],
  { signal }: RunContext,
): Promise<ReadBalancer[]> {
  const settled = await Promise.allSettled(balancers.map((balancer) => balancer.read({ signal })));
  return settled.map((result, index) => {
    if (result.status === 'rejected') {
      throw toTomcatPdError(result.reason).withNote('Nothing was changed.');
    }
    return { balancer: balancers[index]!, reading: result.value };
  });
}

function notAMember(read: readonly ReadBalancer[], target: string): TomcatPdError {
  if (read.length === 1) {
    const [{ balancer, reading }] = read as [ReadBalancer];
    return missingMemberError(reading, balancer, balancer.memberName(target));
  }
  const looked = read.map(({ balancer }) => `${balancer.memberName(target)} on ${balancer.name}`).join(', ');
  return usageError(
    `Target ${target} is a member of no balancer (looked for ${looked}). Nothing was changed.`,
    'Map the target to its member name in the balancer\'s "members" in the config file.',
  );
}

async function applyAll(
  changes: readonly PlannedChange[],
  spec: TargetStateSpec,
  { signal, logger }: RunContext,
): Promise<BalancerStateChange[]> {
  const done: BalancerStateChange[] = [];
  for (const [index, { balancer, member, down }] of changes.entries()) {
    if (down && spec.state === 'drain') {
      logger.warn?.(
        `${member} is down on ${balancer.name}: no visitor reaches it there, so there is nothing to drain.`,
      );
    }
    try {
      const change = await changeMemberState(balancer, member, spec.state, { signal });
      logger.info?.(
        `${balancer.name}: ${member} ${change.changed ? `${change.before.admin} -> ${spec.state}` : `already ${spec.state}`}`,
      );
      done.push({
        balancer: balancer.name,
        member,
        before: change.before.admin,
        after: change.after.admin,
        changed: change.changed,
      });
    } catch (caught) {
      throw await undoAll(changes, done, index, toTomcatPdError(caught), spec, signal);
    }
  }
  return done;
}

/** Puts back what was changed before `failedAt`, newest first; the error says what became of each. */
async function undoAll(
  changes: readonly PlannedChange[],
  done: readonly BalancerStateChange[],
  failedAt: number,
  failure: TomcatPdError,
  spec: TargetStateSpec,
  signal: AbortSignal | undefined,
): Promise<BalancerChangeError> {
  const reports: BalancerChangeReport[] = changes.map(({ balancer, member }, index) =>
    index === failedAt
      ? { balancer: balancer.name, member, outcome: 'failed', error: failure }
      : { balancer: balancer.name, member, outcome: 'not-started' },
  );
  for (const [index, change] of [...done.entries()].reverse()) {
    if (!change.changed) {
      reports[index] = { balancer: change.balancer, member: change.member, outcome: 'done' };
      continue;
    }
    try {
      await changeMemberState(changes[index]!.balancer, change.member, change.before, { signal });
      reports[index] = { balancer: change.balancer, member: change.member, outcome: 'undone' };
    } catch (caught) {
      reports[index] = {
        balancer: change.balancer,
        member: change.member,
        outcome: 'failed',
        error: toTomcatPdError(caught),
      };
    }
  }
  const stuck = reports.filter((report, index) => index !== failedAt && report.outcome === 'failed');
  const after =
    stuck.length === 0
      ? done.some((change) => change.changed)
        ? ' The balancers already changed were put back.'
        : ''
      : ` It could not be put back on ${stuck.map((report) => report.balancer).join(', ')}: check them.`;
  return new BalancerChangeError(
    failure,
    `Setting ${spec.target} to ${spec.state} failed on ${changes[failedAt]!.balancer.name}: ${failure.message}${after}`,
    reports,
  );
}
