import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { Visitor } from './visitor.js';

/**
 * The load of a zero-downtime check, as a balancer sees a site's visitors (issue 21): sticky
 * visitors who arrive at a steady rate, make a few requests over a few seconds and LEAVE (a load
 * of visitors who never leave never lets a drain end), a new visitor now and then (no cookie), and
 * a constant stream of requests to a page without a session. It counts what a zero-downtime
 * operation must never cause: a failed request, a visitor whose session moved to another node
 * while it still existed, and an answer from a node while it was stopped.
 */

/** Options of {@link startVisitorLoad}. */
export interface VisitorLoadOptions {
  /** Where visitors go: the balancer, `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  /** A page that opens a session and prints it as the test WARs do (`session=<id>.<jvmRoute>`). */
  readonly visitPage: string;
  /** A page that opens no session and names the node that answered (`node=<jvmRoute>`). */
  readonly nodePage: string;
  /** How long the app keeps an idle session: a visitor's session that changes sooner has moved. */
  readonly sessionTimeoutMs: number;
  /** Sticky visitors arriving each second. @defaultValue 4 */
  readonly visitorsPerSecond?: number | undefined;
  /** Requests of one visit (the first opens the session). @defaultValue 4 */
  readonly requestsPerVisit?: number | undefined;
  /** From a visit's first request to its last; then the visitor leaves. @defaultValue 3 000 */
  readonly visitMs?: number | undefined;
  /**
   * The share of sticky visitors who come back once with their cookies (a session id naming the
   * node they were on): after `returnAfterMs`, when their session may have ended. @defaultValue 0
   */
  readonly returningShare?: number | undefined;
  /** From a visit's end to the visitor's return. @defaultValue sessionTimeoutMs + 2 000 */
  readonly returnAfterMs?: number | undefined;
  /** How many times a returning visitor comes back; `Infinity`: until the load stops. @defaultValue 1 */
  readonly returnsPerVisitor?: number | undefined;
  /** New visitors (no cookie, one request to the visit page) each second. @defaultValue 2 */
  readonly newVisitorsPerSecond?: number | undefined;
  /** Requests to the node page each second, over kept-alive connections. @defaultValue 20 */
  readonly streamPerSecond?: number | undefined;
  /** A request not answered within this long failed. @defaultValue 10 000 */
  readonly requestTimeoutMs?: number | undefined;
}

const LOAD_DEFAULTS = {
  visitorsPerSecond: 4,
  requestsPerVisit: 4,
  visitMs: 3_000,
  newVisitorsPerSecond: 2,
  streamPerSecond: 20,
  requestTimeoutMs: 10_000,
  returningShare: 0,
  returnsPerVisitor: 1,
};

type LoadSpec = Required<{ [K in keyof VisitorLoadOptions]: NonNullable<VisitorLoadOptions[K]> }>;

/** The three parts of the load. */
export type RequestKind = 'visitor' | 'new-visitor' | 'stream';

/** A node's stop..start, as the command that restarted it told. */
export interface StopWindow {
  readonly node: string;
  /** performance.now() when its stop began. */
  readonly from: number;
  /** performance.now() when it ran again; undefined while it is still stopped. */
  readonly to: number | undefined;
}

/** What the load counted, from its start to the end of its last visit. */
export interface LoadCounts {
  readonly requests: number;
  readonly byKind: Readonly<Record<RequestKind, number>>;
  /** Answered with a status other than 2xx or 3xx, not at all (network error, time-out), or without the page's line. */
  readonly failed: number;
  /** Sticky visitors who began a visit. */
  readonly visitors: number;
  /** Visits of those who came back. */
  readonly returns: number;
  /** Visitors whose later request got another session (another node's, or a new one) while theirs had not expired. */
  readonly moved: number;
  /** Answers from a node whose request overlapped its stop..start window. */
  readonly servedWhileStopped: number;
  /** Answers by the node that gave them. */
  readonly byNode: Readonly<Record<string, number>>;
  readonly stopWindows: readonly StopWindow[];
  /** The first few of each kind of failure, for a message. */
  readonly examples: Readonly<Record<'failed' | 'moved' | 'servedWhileStopped', readonly string[]>>;
}

/** Where the load's counts stood at a moment: counts since it leave out what came before. */
export interface LoadMark {
  readonly served: number;
  readonly failures: number;
  readonly moves: number;
  readonly visitors: number;
  readonly returns: number;
  readonly windows: number;
  readonly byKind: Readonly<Record<RequestKind, number>>;
}

/** A running load. */
export interface VisitorLoad {
  /** The node's stop begins now (the restart command is about to stop it). */
  nodeStopping(node: string): void;
  /** The node runs again. */
  nodeStarted(node: string): void;
  /** Where the counts stand now, for `counts(since)` later. */
  mark(): LoadMark;
  /** Counts so far (visits in progress included); with a mark, only what came after it. */
  counts(since?: LoadMark): LoadCounts;
  /** No more arrivals; resolves when every visit and request in progress has ended, with the counts. */
  stop(): Promise<LoadCounts>;
}

/** A sticky visitor's cookie jar and what its visits have seen. */
interface StickyVisitor {
  readonly jar: Visitor;
  last: { readonly sessionId: string; readonly answeredAt: number } | undefined;
  moved: boolean;
}

/** One answer that named its node. */
interface Served {
  readonly node: string;
  readonly sentAt: number;
  readonly answeredAt: number;
}

/** What one request gave: its node (from the session id or the node page), or why it failed. */
type Outcome =
  | { readonly ok: true; readonly node: string; readonly sessionId: string | undefined }
  | { readonly ok: false; readonly why: string };

const EXAMPLES = 5;
const START: LoadMark = {
  served: 0,
  failures: 0,
  moves: 0,
  visitors: 0,
  returns: 0,
  windows: 0,
  byKind: { visitor: 0, 'new-visitor': 0, stream: 0 },
};
const NODE_LINE = /^node=(\S+)$/m;

function checked(options: VisitorLoadOptions): LoadSpec {
  // A key given as undefined takes its default too.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const spec = {
    ...LOAD_DEFAULTS,
    returnAfterMs: options.sessionTimeoutMs + 2_000,
    ...given,
  } as LoadSpec;
  for (const key of [
    'sessionTimeoutMs',
    'visitorsPerSecond',
    'visitMs',
    'newVisitorsPerSecond',
    'streamPerSecond',
    'requestTimeoutMs',
    'returnAfterMs',
  ] as const) {
    if (!(spec[key] > 0)) throw new Error(`${key} must be more than 0, not ${spec[key]}`);
  }
  if (!(Number.isInteger(spec.requestsPerVisit) && spec.requestsPerVisit >= 1))
    throw new Error(`requestsPerVisit must be a whole number, 1 or more, not ${spec.requestsPerVisit}`);
  if (!(
    spec.returnsPerVisitor >= 1 &&
    (Number.isInteger(spec.returnsPerVisitor) || spec.returnsPerVisitor === Infinity)
  ))
    throw new Error(
      `returnsPerVisitor must be a whole number, 1 or more, or Infinity, not ${spec.returnsPerVisitor}`,
    );
  if (!(spec.returningShare >= 0 && spec.returningShare <= 1))
    throw new Error(`returningShare must be from 0 to 1, not ${spec.returningShare}`);
  return spec;
}

/**
 * Starts the load against `baseUrl` at once; `stop()` ends it. Each sticky visitor is a
 * {@link Visitor} (its own cookie jar: JSESSIONID and whatever cookie the balancer sets); the
 * new visitors and the stream carry no cookie, so the balancer places each of them anew.
 */
export function startVisitorLoad(options: VisitorLoadOptions): VisitorLoad {
  return new RunningLoad(checked(options));
}

class RunningLoad implements VisitorLoad {
  private readonly served: Served[] = [];
  private readonly windows: { node: string; from: number; to: number | undefined }[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[];
  private readonly byKind: Record<RequestKind, number> = { visitor: 0, 'new-visitor': 0, stream: 0 };
  private readonly failures: string[] = [];
  private readonly moves: string[] = [];
  private visitors = 0;
  private returns = 0;
  private readonly stopped = new AbortController();

  constructor(private readonly spec: LoadSpec) {
    // Every visitor away until its return listens to it: hundreds at once, none of them a leak.
    setMaxListeners(0, this.stopped.signal);
    this.timers = [
      this.every(spec.visitorsPerSecond, () => this.visit()),
      this.every(spec.newVisitorsPerSecond, () => this.newVisitor()),
      this.every(spec.streamPerSecond, () => this.streamRequest()),
    ];
  }

  nodeStopping(node: string): void {
    this.windows.push({ node, from: performance.now(), to: undefined });
  }

  nodeStarted(node: string): void {
    const open = this.windows.findLast((window) => window.node === node && window.to === undefined);
    if (open !== undefined) open.to = performance.now();
  }

  async stop(): Promise<LoadCounts> {
    for (const timer of this.timers) clearInterval(timer);
    this.stopped.abort();
    while (this.pending.size > 0) await Promise.all(this.pending);
    return this.counts();
  }

  mark(): LoadMark {
    return {
      served: this.served.length,
      failures: this.failures.length,
      moves: this.moves.length,
      visitors: this.visitors,
      returns: this.returns,
      windows: this.windows.length,
      byKind: { ...this.byKind },
    };
  }

  counts(since: LoadMark = START): LoadCounts {
    // A stop window begun before the mark still catches the answers after it.
    const stopped = this.served.slice(since.served).flatMap((answer) => {
      const window = this.windows.find(
        (candidate) =>
          candidate.node === answer.node &&
          answer.answeredAt > candidate.from &&
          (candidate.to === undefined || answer.sentAt < candidate.to),
      );
      return window === undefined
        ? []
        : [`${answer.node} answered ${Math.round(answer.answeredAt - window.from)} ms after its stop began`];
    });
    const byNode: Record<string, number> = {};
    for (const { node } of this.served.slice(since.served)) byNode[node] = (byNode[node] ?? 0) + 1;
    const byKind = {
      visitor: this.byKind.visitor - since.byKind.visitor,
      'new-visitor': this.byKind['new-visitor'] - since.byKind['new-visitor'],
      stream: this.byKind.stream - since.byKind.stream,
    };
    const failures = this.failures.slice(since.failures);
    const moves = this.moves.slice(since.moves);
    return {
      requests: byKind.visitor + byKind['new-visitor'] + byKind.stream,
      byKind,
      failed: failures.length,
      visitors: this.visitors - since.visitors,
      returns: this.returns - since.returns,
      moved: moves.length,
      servedWhileStopped: stopped.length,
      byNode,
      stopWindows: this.windows.slice(since.windows).map((window) => ({ ...window })),
      examples: {
        failed: failures.slice(0, EXAMPLES),
        moved: moves.slice(0, EXAMPLES),
        servedWhileStopped: stopped.slice(0, EXAMPLES),
      },
    };
  }

  /** Starts `task` `perSecond` times a second, whether or not the ones before have ended. */
  private every(perSecond: number, task: () => Promise<void>): NodeJS.Timeout {
    return setInterval(() => {
      const running = task().finally(() => this.pending.delete(running));
      this.pending.add(running);
    }, 1_000 / perSecond);
  }

  /**
   * A sticky visitor: requests spread over the visit, in its own cookie jar; one in
   * `1 / returningShare` comes back `returnsPerVisitor` times, `returnAfterMs` after each visit,
   * with the same cookies.
   */
  private async visit(): Promise<void> {
    const index = ++this.visitors;
    const share = this.spec.returningShare;
    const returning = Math.floor(index * share) > Math.floor((index - 1) * share);
    const visitor = { jar: new Visitor(this.spec.baseUrl), last: undefined, moved: false };
    await this.visitRequests(visitor);
    for (let visits = 0; returning && visits < this.spec.returnsPerVisitor; visits++) {
      try {
        await sleep(this.spec.returnAfterMs, undefined, { signal: this.stopped.signal });
      } catch {
        return; // the load stopped first: nobody arrives any more
      }
      this.returns++;
      await this.visitRequests(visitor);
    }
  }

  /** One visit's requests; a session that changes while the one before had not expired has moved. */
  private async visitRequests(visitor: StickyVisitor): Promise<void> {
    const pause = this.spec.requestsPerVisit > 1 ? this.spec.visitMs / (this.spec.requestsPerVisit - 1) : 0;
    for (let request = 0; request < this.spec.requestsPerVisit; request++) {
      if (request > 0) await sleep(pause);
      const sentAt = performance.now();
      const outcome = await this.request('visitor', () => this.visitPage(visitor.jar));
      if (!outcome.ok || outcome.sessionId === undefined) continue;
      const { last } = visitor;
      const stillThere = last !== undefined && sentAt - last.answeredAt < this.spec.sessionTimeoutMs;
      if (stillThere && outcome.sessionId !== last.sessionId && !visitor.moved) {
        visitor.moved = true;
        this.moves.push(`${last.sessionId} became ${outcome.sessionId}`);
      }
      visitor.last = { sessionId: outcome.sessionId, answeredAt: performance.now() };
    }
  }

  private async newVisitor(): Promise<void> {
    await this.request('new-visitor', () => this.visitPage(new Visitor(this.spec.baseUrl)));
  }

  private async streamRequest(): Promise<void> {
    await this.request('stream', async (): Promise<Outcome> => {
      const response = await fetch(new URL(this.spec.nodePage, this.spec.baseUrl), {
        signal: AbortSignal.timeout(this.spec.requestTimeoutMs),
      });
      const body = await response.text();
      const node = NODE_LINE.exec(body)?.[1];
      if (!ok(response.status)) return { ok: false, why: `HTTP ${response.status}` };
      return node === undefined
        ? { ok: false, why: `HTTP ${response.status} without node=` }
        : { ok: true, node, sessionId: undefined };
    });
  }

  private async visitPage(visitor: Visitor): Promise<Outcome> {
    const visit = await visitor.get(this.spec.visitPage);
    if (!ok(visit.status)) return { ok: false, why: `HTTP ${visit.status}` };
    const node = visit.sessionId?.split('.').pop();
    return node === undefined || visit.sessionId === undefined
      ? { ok: false, why: `HTTP ${visit.status} without session=` }
      : { ok: true, node, sessionId: visit.sessionId };
  }

  /** Runs one request within the time-out, counts it, and keeps its node and times. */
  private async request(kind: RequestKind, send: () => Promise<Outcome>): Promise<Outcome> {
    this.byKind[kind]++;
    const sentAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, why: `no answer in ${this.spec.requestTimeoutMs} ms` }),
        this.spec.requestTimeoutMs,
      );
    });
    const outcome = await Promise.race([
      send().catch((error: unknown): Outcome => ({ ok: false, why: String(error) })),
      late,
    ]).finally(() => clearTimeout(timer));
    if (outcome.ok) this.served.push({ node: outcome.node, sentAt, answeredAt: performance.now() });
    else this.failures.push(`${kind}: ${outcome.why}`);
    return outcome;
  }
}

const ok = (status: number) => status >= 200 && status < 400;
