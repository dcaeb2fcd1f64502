import { sleep } from '../../common/sleep.js';
import { AbortedError, BalancerError } from '../../errors/error-classes.js';
import type { SpecOf } from '../balancer-options.js';
import { readMarker } from './nginx-marker.js';
import { stillAccepting, type AcceptingWorkers } from './nginx-workers.js';

/** A pause between two questions to the marker. */
const POLL_MS = 20;
/**
 * Without /proc: how long, and how many fresh connections in a row, must answer with the new
 * generation. The master tells the old workers to stop 100 ms after it starts the new ones, and
 * until then either may accept a connection (measured on 1.22.1: old answers up to ~45 ms after
 * the first new one, ~125 ms after the reload command); 500 ms is five times the master's pause.
 */
const STREAK_MS = 500;
const STREAK_ANSWERS = 5;

/** How the new generation was proved: by the old workers' titles, or by a streak of answers. */
export type GenerationProof = 'old-workers-stopped' | 'answer-streak';

/**
 * Waits until nginx serves `generation` to every new connection: one answer from the marker is
 * no proof, since old workers accept connections for ~100 ms after new ones start. With the old
 * workers known (`before`, from /proc), it waits until none of them still accepts; without, for a
 * streak of new answers. Bounded by the balancer's `timeoutMs`.
 * @throws BalancerError when the time is up (with `newGenerationSeen` telling whether nginx loaded
 * the file at all), AbortedError when `signal` aborts.
 */
export async function awaitGeneration(
  spec: SpecOf<'nginx'>,
  generation: string,
  before: AcceptingWorkers | undefined,
  signal?: AbortSignal,
): Promise<GenerationProof> {
  const deadline = Date.now() + spec.timeoutMs;
  let seen = false;
  let streak = 0;
  let streakSince = 0;
  for (;;) {
    const answer = await readMarker(spec, signal);
    if (answer.generation === generation) {
      seen = true;
      if (streak++ === 0) streakSince = Date.now();
    } else {
      streak = 0;
    }
    if (streak > 0 && before !== undefined && (await stillAccepting(before)).length === 0) {
      return 'old-workers-stopped';
    }
    if (before === undefined && streak >= STREAK_ANSWERS && Date.now() - streakSince >= STREAK_MS) {
      return 'answer-streak';
    }
    if (Date.now() >= deadline) throw new GenerationNotServedError(spec, generation, seen);
    if (!(await sleep(POLL_MS, signal))) {
      throw new AbortedError(`Balancer ${spec.name}: stopped while waiting for nginx to serve the new file.`);
    }
  }
}

/** A wait that ran out of time; `newGenerationSeen` says whether nginx served the new file at all. */
export class GenerationNotServedError extends BalancerError {
  constructor(
    spec: SpecOf<'nginx'>,
    generation: string,
    readonly newGenerationSeen: boolean,
  ) {
    super(
      newGenerationSeen
        ? `Balancer ${spec.name}: nginx serves generation ${generation}, but its old workers still take new connections after ${spec.timeoutMs} ms.`
        : `Balancer ${spec.name}: nginx did not serve generation ${generation} within ${spec.timeoutMs} ms of the reload: it still runs the old file (its error log says why).`,
      {
        balancer: spec.name,
        answer: newGenerationSeen ? 'old workers still accepting' : 'old generation served',
      },
    );
  }
}
