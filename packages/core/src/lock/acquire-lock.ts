/**
 * The release lock taken on a fleet (docs/lock.md#a-fleet): target by target in one fixed order,
 * all or none, never waiting while holding anything, so two controllers cannot deadlock.
 */
import { sleep } from '../common/sleep.js';
import { AbortedError } from '../errors/error-classes.js';
import { LockedError, LockTargetError, type LockHolderFacts } from '../errors/lock-errors.js';
import type { ManagerClient } from '../manager/manager-client.js';
import { Holding } from './held-lock.js';
import { newNonce, scopeKey } from './lock-record.js';
import type { Conflict } from './lock-rules.js';
import { parseAcquireLockOptions, QUICK_RETRIES, type AcquireLockSpec } from './lock-options.js';
import type { AcquireLockOptions, HeldLock, LockScope } from './lock-types.js';
import { takeTarget, type TargetHold, type Taker } from './take-target.js';
import { removeRecord } from './target-records.js';

/** The order every controller takes a fleet's locks in: by canonical Manager URL, whatever a config's order. */
export function inLockOrder(clients: readonly ManagerClient[]): ManagerClient[] {
  const urlOf = (client: ManagerClient) => client.managerUrl.toLowerCase();
  return [...clients].sort((a, b) => (urlOf(a) < urlOf(b) ? -1 : urlOf(a) > urlOf(b) ? 1 : 0));
}

/**
 * Takes the lock on every client, all or none. When another holds it, tries again three times
 * after a short random pause (two contenders that start together both back off), or for
 * `waitMs`, holding nothing meanwhile; then throws `LockedError` (`E_LOCKED`) naming the holder.
 * A target that fails (unreachable) releases the others and throws `LockTargetError`.
 */
export async function acquireLock(
  clients: readonly ManagerClient[],
  options: AcquireLockOptions,
): Promise<HeldLock> {
  const spec = parseAcquireLockOptions(options);
  const taker: Taker = {
    key: scopeKey(spec.scope),
    nonce: newNonce(),
    command: spec.command,
    actor: spec.actor,
    ttlMs: spec.ttlMs,
    takeover: spec.takeover === 'paused',
    signal: spec.signal,
    logger: spec.logger,
  };
  const ordered = inLockOrder(clients);
  const deadline = performance.now() + spec.waitMs;
  let shown: string | undefined;
  for (let tries = 1; ; tries += 1) {
    const outcome = await takeAll(ordered, taker);
    if (outcome.kind === 'held') return new Holding(taker, outcome.holds);
    const holder = holderOf(outcome.conflict, outcome.target);
    const left = deadline - performance.now();
    const waiting = spec.waitMs > 0;
    if (waiting ? left <= 0 : tries > QUICK_RETRIES) throw lockedError(spec.scope, holder);
    const said = describe(spec.scope, holder);
    if (waiting && said !== shown) spec.logger.info?.(`Waiting for the lock: ${said}.`);
    shown = said;
    const pause = waiting ? Math.min(left, backOff(tries)) : 50 + Math.random() * 250;
    if (!(await sleep(pause, spec.signal))) throw abortedWhileWaiting(spec);
  }
}

type FleetOutcome =
  { kind: 'held'; holds: TargetHold[] } | { kind: 'conflict'; conflict: Conflict; target: string; now: Date };

/** One pass over the fleet in order; on the first conflict or failure, what was taken is released in reverse. */
async function takeAll(ordered: readonly ManagerClient[], taker: Taker): Promise<FleetOutcome> {
  const holds: TargetHold[] = [];
  for (const client of ordered) {
    const outcome = await takeTarget(client, taker);
    if (outcome.kind === 'held') {
      holds.push(outcome.hold);
      continue;
    }
    const left = await releaseTaken(holds);
    if (taker.signal?.aborted)
      throw new AbortedError(`Taking the release lock was aborted; nothing is locked.`);
    if (outcome.kind === 'conflict') return { ...outcome, target: client.name };
    const leftWords =
      left.length === 0
        ? 'nothing is locked anywhere'
        : `lock records were left on ${left.map(({ target, expires }) => `${target} (until ${expires.toISOString()})`).join(', ')}`;
    throw new LockTargetError(
      outcome.error,
      `The release lock could not be taken on ${client.name}: ${outcome.error.message} The targets locked before it were released; ${leftWords}.`,
      client.name,
      left,
    );
  }
  return { kind: 'held', holds };
}

/** Removes the records taken so far, last first; says which could not be removed. */
async function releaseTaken(holds: readonly TargetHold[]): Promise<{ target: string; expires: Date }[]> {
  const left: { target: string; expires: Date }[] = [];
  for (const { client, record } of [...holds].reverse()) {
    if (!(await removeRecord(client, record.path)))
      left.push({ target: client.name, expires: record.expires! });
  }
  return left;
}

/** Up to 3 s between tries while waiting, with jitter so that waiters do not move in step. */
function backOff(tries: number): number {
  return Math.min(3_000, 250 * 1.5 ** tries) * (0.5 + Math.random() / 2);
}

function holderOf(conflict: Conflict, target: string): LockHolderFacts {
  if (conflict.kind === 'unreadable') {
    return { target, actor: 'unknown', command: 'unreadable record', since: new Date(0), expires: undefined };
  }
  return {
    target,
    actor: conflict.actor,
    command: conflict.command,
    since: conflict.since,
    expires: conflict.expires,
  };
}

/** `alice@ci7 (deploy, since 2026-12-07 23:05:00 UTC, until 23:20:00 UTC) on web1`. */
function describe(scope: LockScope, holder: LockHolderFacts): string {
  const what = scope.kind === 'app' ? `the lock of ${scope.path}` : 'the target lock';
  const since = holder.since.getTime() === 0 ? '' : `, since ${utc(holder.since)}`;
  const until = holder.expires === undefined ? ', no expiry' : `, until ${utc(holder.expires)}`;
  return `${what} on ${holder.target} is held by ${holder.actor} (${holder.command}${since}${until})`;
}

function lockedError(scope: LockScope, holder: LockHolderFacts): LockedError {
  const paused = holder.command === 'paused';
  const hint = paused
    ? ['A rollout is paused there: promote or abort it.']
    : [
        'Wait for it with ',
        { option: 'waitMs' as const },
        ', or, if its holder has gone (a crash), release it by force; it expires by itself otherwise (docs/lock.md).',
      ];
  const words = describe(scope, holder);
  return new LockedError(`${words.charAt(0).toUpperCase()}${words.slice(1)}.`, holder, { hint });
}

function abortedWhileWaiting(spec: AcquireLockSpec): AbortedError {
  const what = spec.scope.kind === 'app' ? `the lock of ${spec.scope.path}` : 'the target lock';
  return new AbortedError(`Waiting for ${what} was aborted; nothing is locked.`);
}

function utc(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
