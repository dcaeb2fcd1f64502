/**
 * What the stand-in Managers (stand-in-manager.ts) saw of one CLI run: the requests each target
 * got, how many of them came one after the other, and where the run's wall time went (before
 * the first request, between the first and the last, after the last answer).
 */
import { showCounts } from './request-counts.js';
import type { RequestCounts } from './request-counts.js';
import type { SeenRequest, StandInManager } from './stand-in-manager.js';

/** One CLI run as the stand-ins saw it. */
export interface SeenRun {
  /** What each target got, `list 1`; several texts joined by ` / ` when the targets differ. */
  counts: string;
  /** Requests in sequence on one target (the most of any target): each waited for the one before. */
  depth: number;
  /** From spawn to the arrival of the first request at any stand-in. */
  beforeMs: number;
  /** From that arrival to the end of the last answer. */
  requestsMs: number;
  /** From the end of the last answer to the CLI's exit. */
  afterMs: number;
  /** Mean time a stand-in took per request other than an upload, arrival to end of answer. */
  answerMs: number | undefined;
  /** Mean time per upload (`PUT deploy`), arrival of its headers to end of answer. */
  uploadMs: number | undefined;
  /** From the arrival of the first upload to the end of the last answer to one. */
  uploadSpanMs: number | undefined;
}

function countsOf(requests: readonly SeenRequest[]): RequestCounts {
  const counts: RequestCounts = {};
  for (const { kind } of requests) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * How many requests of one target were in sequence: overlapping requests (sent at once) count
 * once, as they cost one latency together. The stand-in records a request from the arrival of
 * its headers to the end of its answer, so one sent after the previous answer starts after it.
 */
export function sequenceDepth(requests: readonly SeenRequest[]): number {
  let depth = 0;
  let busyUntil = Number.NEGATIVE_INFINITY;
  for (const request of [...requests].sort((a, b) => a.startMs - b.startMs)) {
    if (request.startMs >= busyUntil) depth++;
    busyUntil = Math.max(busyUntil, request.endMs);
  }
  return depth;
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * Reads the requests of `targets` (the stand-ins the run was pointed at, reset before it) for a
 * run that was spawned at `spawnedAt` and took `wallMs` (both `performance.now()` ms).
 */
export function seenRun(targets: readonly StandInManager[], spawnedAt: number, wallMs: number): SeenRun {
  const all = targets.flatMap((target) => target.requests);
  const texts = new Set(targets.map((target) => showCounts(countsOf(target.requests))));
  const duration = (request: SeenRequest) => request.endMs - request.startMs;
  if (all.length === 0) {
    return {
      counts: [...texts].join(' / '),
      depth: 0,
      beforeMs: wallMs,
      requestsMs: 0,
      afterMs: 0,
      answerMs: undefined,
      uploadMs: undefined,
      uploadSpanMs: undefined,
    };
  }
  const first = Math.min(...all.map((request) => request.startMs));
  const last = Math.max(...all.map((request) => request.endMs));
  const uploads = all.filter((request) => request.kind === 'deploy');
  return {
    counts: [...texts].join(' / '),
    depth: Math.max(...targets.map((target) => sequenceDepth(target.requests))),
    beforeMs: first - spawnedAt,
    requestsMs: last - first,
    afterMs: spawnedAt + wallMs - last,
    answerMs: mean(all.filter((request) => request.kind !== 'deploy').map(duration)),
    uploadMs: mean(uploads.map(duration)),
    uploadSpanMs:
      uploads.length === 0
        ? undefined
        : Math.max(...uploads.map((request) => request.endMs)) -
          Math.min(...uploads.map((request) => request.startMs)),
  };
}
