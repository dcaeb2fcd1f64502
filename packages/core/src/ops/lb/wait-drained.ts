import type { Balancer } from '../../balancer/balancer.js';
import { sleep } from '../../common/sleep.js';
import { AbortedError, BalancerError } from '../../errors/error-classes.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { drainEta, type DrainEta } from '../metrics/drain-eta.js';
import type { RunContext } from '../run-context.js';
import type { BalancerStateChange } from './set-target-state.js';
import { visitorSessionContexts } from './visitor-sessions.js';

/** One look at a draining target. */
export interface DrainProgress {
  readonly target: string;
  /** Active sessions of its visitors, over its apps. */
  readonly sessions: number;
  /**
   * Of those, the ones that existed when the wait began: what a drain waits for. Exact where
   * Tomcat tells the sessions apart (an app with none then has none of them since; the JMX
   * proxy's session ids for the others); else all of that app's sessions count, as a bound.
   */
  readonly sessionsFromBefore: number;
  /** Requests in flight to it, over the balancers that count them (undefined where none does). */
  readonly inFlight: number | undefined;
  /** When its sessions are gone if no visitor comes back: the latest of its apps' drain ETAs. */
  readonly eta: DrainEta;
  readonly elapsedMs: number;
}

export interface WaitDrainedSpec {
  readonly target: string;
  readonly client: ManagerClient;
  /** The balancers the target was drained on, with the member it is there. */
  readonly balancers: readonly { balancer: Balancer; member: string; generation: string | undefined }[];
  readonly maxWaitMs: number;
  /** Expire sessions idle this long on each read (the Manager's `expire`). */
  readonly expireIdleMinutes: number | undefined;
  readonly intervalMs: number;
  readonly onProgress: ((progress: DrainProgress) => void) | undefined;
}

/**
 * Waits until a drained target has no visitor left, decided from Tomcat and not from the
 * balancer's connection count (which is 0 between two requests of a visitor still logged in):
 * every session that existed when the wait began has ended, and the balancers that count
 * requests in flight count none. Sessions begun since do not hold it: under stickiness by route
 * a visitor whose session ended comes back with a cookie naming the drained node and gets a new
 * one there, so "0 sessions" might never come (docs/balancers/README.md#what-a-drain-can-promise).
 * Telling the two apart needs the JMX proxy (role `manager-jmx`) for an app that had sessions;
 * without it all of that app's sessions are waited for. At `maxWaitMs` it fails (`E_OPERATION`)
 * saying what is left; nothing is forced. A balancer that restarted or reloaded meanwhile lost
 * the drain: that stops the wait too.
 */
export async function waitDrained(spec: WaitDrainedSpec, { signal }: RunContext): Promise<DrainProgress> {
  const started = Date.now();
  const before = await sessionsAtStart(spec.client, signal);
  for (;;) {
    const progress = await look(spec, before, started, signal);
    spec.onProgress?.(progress);
    if (progress.sessionsFromBefore === 0 && (progress.inFlight ?? 0) === 0) return progress;
    if (progress.elapsedMs >= spec.maxWaitMs) throw notDrained(spec, progress);
    const left = spec.maxWaitMs - progress.elapsedMs;
    if (!(await sleep(Math.min(spec.intervalMs, left), signal))) {
      throw new AbortedError(
        `The wait for ${spec.target} to drain was stopped with ${progress.sessionsFromBefore} sessions left; it stays drained.`,
      );
    }
  }
}

/** An app's sessions when the wait began: none, their ids, or a number only (the Manager cannot list them). */
type SessionsAtStart =
  { readonly kind: 'ids'; readonly ids: ReadonlySet<string> } | { readonly kind: 'count' };

/** Each app's sessions when the wait began, by context (`/shop##002`); an app absent had none. */
async function sessionsAtStart(
  client: ManagerClient,
  signal: AbortSignal | undefined,
): Promise<ReadonlyMap<string, SessionsAtStart>> {
  const busy = visitorSessionContexts(await client.list({ signal }), client).filter(
    (entry) => entry.sessions > 0,
  );
  const known = new Map<string, SessionsAtStart>();
  for (const entry of busy) {
    const answer = await client.sessionIds({ path: entry.path, version: entry.version, signal });
    known.set(
      contextKey(entry),
      answer.kind === 'ids' ? { kind: 'ids', ids: new Set(answer.ids) } : { kind: 'count' },
    );
  }
  return known;
}

async function look(
  spec: WaitDrainedSpec,
  before: ReadonlyMap<string, SessionsAtStart>,
  started: number,
  signal: AbortSignal | undefined,
): Promise<DrainProgress> {
  const [entries, inFlight] = await Promise.all([
    spec.client.list({ signal }),
    inFlightOn(spec.balancers, signal),
  ]);
  const busy = visitorSessionContexts(entries, spec.client).filter((entry) => entry.sessions > 0);
  const etas: DrainEta[] = [];
  let sessionsFromBefore = 0;
  for (const entry of busy) {
    const ref = { path: entry.path, version: entry.version, signal };
    const sessions =
      spec.expireIdleMinutes === undefined
        ? await spec.client.sessions(ref)
        : await spec.client.expire({ ...ref, idleMinutes: spec.expireIdleMinutes });
    etas.push(drainEta(sessions));
    sessionsFromBefore += await stillThere(spec.client, before.get(contextKey(entry)), ref, entry.sessions);
  }
  return {
    target: spec.target,
    sessions: busy.reduce((sum, entry) => sum + entry.sessions, 0),
    sessionsFromBefore,
    inFlight,
    eta: latest(etas),
    elapsedMs: Date.now() - started,
  };
}

/** How many of an app's sessions from the start are still there: `now` where only counts are known. */
async function stillThere(
  client: ManagerClient,
  atStart: SessionsAtStart | undefined,
  ref: { path: string; version: string; signal: AbortSignal | undefined },
  now: number,
): Promise<number> {
  if (atStart === undefined) return 0;
  if (atStart.kind === 'count') return now;
  const answer = await client.sessionIds(ref);
  if (answer.kind !== 'ids') return now;
  return answer.ids.filter((id) => atStart.ids.has(id)).length;
}

function contextKey(entry: { path: string; version: string }): string {
  return `${entry.path}##${entry.version}`;
}

/**
 * Requests in flight to the member, summed over the balancers that count them. A member that no
 * longer reads `drain` stops the wait: the balancer restarted or reloaded and lost the state set
 * at run time (HAProxy without a state file, the consoles), or someone changed it. The
 * generation only says which: nginx's changes with every change of its file, where nothing is lost.
 */
async function inFlightOn(
  balancers: WaitDrainedSpec['balancers'],
  signal: AbortSignal | undefined,
): Promise<number | undefined> {
  let total: number | undefined;
  for (const { balancer, member, generation } of balancers) {
    const reading = await balancer.read({ signal });
    const current = reading.members.find((candidate) => candidate.name === member);
    if (current?.admin !== 'drain') {
      const why =
        generation !== undefined && reading.generation !== generation
          ? 'the balancer restarted or reloaded and lost the drain with its runtime state'
          : 'someone changed it';
      throw new BalancerError(
        `${member} is no longer drained on ${balancer.name} (it reads ${current?.admin ?? 'absent'}): ${why}. Drain it again.`,
        { balancer: balancer.name, member, answer: `admin state ${current?.admin ?? 'absent'}` },
      );
    }
    if (current.inFlight !== undefined) total = (total ?? 0) + current.inFlight;
  }
  return total;
}

/**
 * The balancers a target was just drained on, each with its member and its generation now, as
 * `waitDrained` takes them.
 */
export function drainedMembers(
  changes: readonly BalancerStateChange[],
  balancers: readonly Balancer[],
  signal: AbortSignal | undefined,
): Promise<WaitDrainedSpec['balancers']> {
  return Promise.all(
    changes.map(async ({ balancer: name, member }) => {
      const balancer = balancers.find((candidate) => candidate.name === name)!;
      const reading = await balancer.read({ signal });
      return { balancer, member, generation: reading.generation };
    }),
  );
}

function latest(etas: readonly DrainEta[]): DrainEta {
  if (etas.some((eta) => eta.kind === 'never')) return { kind: 'never' };
  const times = etas.flatMap((eta) => (eta.kind === 'by' ? [eta.inMs] : []));
  return times.length === 0 ? { kind: 'empty' } : { kind: 'by', inMs: Math.max(...times) };
}

function notDrained(spec: WaitDrainedSpec, progress: DrainProgress): TomcatPdError {
  const inFlight =
    progress.inFlight === undefined || progress.inFlight === 0
      ? ''
      : ` and ${progress.inFlight} requests in flight`;
  return new TomcatPdError(
    ErrorCode.operation,
    `${spec.target} still has ${progress.sessionsFromBefore} sessions from before the drain${inFlight} after ${Math.round(spec.maxWaitMs / 1000)} s; it stays drained, nothing was forced.`,
    {
      hint:
        progress.eta.kind === 'never'
          ? 'An app there has no session timeout: its sessions end only when expired (--expire-idle).'
          : 'Wait longer (--max-wait), expire idle sessions (--expire-idle), or check that the health check makes no session.',
    },
  );
}
