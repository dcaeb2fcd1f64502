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
 * every app there has 0 active sessions, and the balancers that count requests in flight count
 * none. At `maxWaitMs` it fails (`E_OPERATION`) saying what is left; nothing is forced. A
 * balancer that restarted or reloaded meanwhile lost the drain: that stops the wait too.
 */
export async function waitDrained(spec: WaitDrainedSpec, { signal }: RunContext): Promise<DrainProgress> {
  const started = Date.now();
  for (;;) {
    const progress = await look(spec, started, signal);
    spec.onProgress?.(progress);
    if (progress.sessions === 0 && (progress.inFlight ?? 0) === 0) return progress;
    if (progress.elapsedMs >= spec.maxWaitMs) throw notDrained(spec, progress);
    const left = spec.maxWaitMs - progress.elapsedMs;
    if (!(await sleep(Math.min(spec.intervalMs, left), signal))) {
      throw new AbortedError(
        `The wait for ${spec.target} to drain was stopped with ${progress.sessions} sessions left; it stays drained.`,
      );
    }
  }
}

async function look(
  spec: WaitDrainedSpec,
  started: number,
  signal: AbortSignal | undefined,
): Promise<DrainProgress> {
  const [entries, inFlight] = await Promise.all([
    spec.client.list({ signal }),
    inFlightOn(spec.balancers, signal),
  ]);
  const busy = visitorSessionContexts(entries, spec.client).filter((entry) => entry.sessions > 0);
  const etas: DrainEta[] = [];
  for (const entry of busy) {
    const ref = { path: entry.path, version: entry.version, signal };
    const sessions =
      spec.expireIdleMinutes === undefined
        ? await spec.client.sessions(ref)
        : await spec.client.expire({ ...ref, idleMinutes: spec.expireIdleMinutes });
    etas.push(drainEta(sessions));
  }
  return {
    target: spec.target,
    sessions: busy.reduce((sum, entry) => sum + entry.sessions, 0),
    inFlight,
    eta: latest(etas),
    elapsedMs: Date.now() - started,
  };
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
    `${spec.target} still has ${progress.sessions} sessions${inFlight} after ${Math.round(spec.maxWaitMs / 1000)} s; it stays drained, nothing was forced.`,
    {
      hint:
        progress.eta.kind === 'never'
          ? 'An app there has no session timeout: its sessions end only when expired (--expire-idle).'
          : 'Wait longer (--max-wait), expire idle sessions (--expire-idle), or check that the health check makes no session.',
    },
  );
}
