import {
  ConnectionError,
  ErrorCode,
  MIN_ANALYSIS_INTERVAL_MS,
  NoStatusJsonError,
  getMetrics,
  getStatus,
  toTomcatPdError,
  type AppWithMetrics,
  type ManagerClient,
  type MetricsReport,
  type StatusReport,
  type TomcatPdError,
  type VersionMetrics,
} from '@tomcat-pd/core';

/**
 * What `serve` knows of one target: not read yet, read (`up`), or not readable (`down`). Each
 * read replaces the last; nothing older is kept.
 */
export type TargetSnapshot = PendingTarget | TargetUp | TargetDown;

export interface PendingTarget {
  state: 'pending';
  target: string;
  managerUrl: string;
}

interface ReadTarget {
  target: string;
  managerUrl: string;
  /** When the read ended (epoch ms): the age of what the page shows. */
  readAt: number;
  /** How long the read took, queueing for a `--parallel` slot not included. */
  durationMs: number;
}

export interface TargetUp extends ReadTarget {
  state: 'up';
  /**
   * `list` as just read, each running version with the metrics of the last status page read
   * (`report.readAt`: the status page is read at most every {@link MIN_ANALYSIS_INTERVAL_MS}).
   */
  report: MetricsReport;
  metrics: MetricsSource;
}

export interface TargetDown extends ReadTarget {
  state: 'down';
  error: TomcatPdError;
  /** `false` after a 401: each further try would count towards Tomcat's lock-out (safety rule 7). */
  readAgain: boolean;
}

/** Where the versions' metrics come from. */
export type MetricsSource =
  /** Tomcat's status page in JSON, read at `readAt` (= `report.readAt`). */
  | { kind: 'status-page'; readAt: number }
  /** Not yet: the read that asked for the page failed, and the next one is not due yet. */
  | { kind: 'not-yet' }
  /** None: the server has no status JSON (`NoStatusJsonError`), or it refuses the page (403). */
  | { kind: 'none'; reason: TomcatPdError };

/** Every target in the config's order, as last read. A new object each time something changes. */
export interface Snapshot {
  /** Counts the changes since `serve` started. */
  sequence: number;
  intervalMs: number;
  targets: readonly TargetSnapshot[];
}

/** Before the first read: every target pending. */
export function initialSnapshot(clients: readonly ManagerClient[], intervalMs: number): Snapshot {
  return {
    sequence: 0,
    intervalMs,
    targets: clients.map((client) => ({
      state: 'pending',
      target: client.name,
      managerUrl: client.managerUrl,
    })),
  };
}

/** The status page of one target, as far as serve found out. */
export type StatusPageMemory =
  /** Not known yet: not asked (`askedAt` undefined), or the read that asked failed. */
  | { kind: 'unknown'; askedAt: number | undefined }
  /** It answered JSON; `last` is the latest good read, joined to each new `list`. */
  | { kind: 'present'; askedAt: number; last: MetricsReport }
  /** It refused the page (403) while `list` works: asked again after the floor. */
  | { kind: 'refused'; askedAt: number; error: TomcatPdError }
  /** The server has no status JSON (Tomcat before 9.0.83, 10.1.16): never asked again. */
  | { kind: 'absent'; error: TomcatPdError };

/**
 * Whether the next read includes the status page: never more often than every
 * {@link MIN_ANALYSIS_INTERVAL_MS} (its cost on a server with many versions, README
 * "Performance"), never again on a server without it. Pure.
 */
export function statusPageDue(page: StatusPageMemory, now: number): boolean {
  switch (page.kind) {
    case 'absent':
      return false;
    case 'unknown':
      return page.askedAt === undefined || now - page.askedAt >= MIN_ANALYSIS_INTERVAL_MS;
    case 'present':
    case 'refused':
      return now - page.askedAt >= MIN_ANALYSIS_INTERVAL_MS;
  }
}

/**
 * A fresh `list` with the metrics of the last status page read: each version that page listed
 * keeps them, a version deployed since has none until the next one, and a drain ETA stays only
 * while its version is still draining. The report's `readAt` stays the page's (ages and ETAs
 * count from then); without a page, it is the list's `listReadAt`. Pure.
 */
export function joinLastMetrics(
  status: StatusReport,
  last: MetricsReport | undefined,
  listReadAt: number,
): MetricsReport {
  const known = new Map<string, VersionMetrics | undefined>();
  for (const app of last?.apps ?? []) {
    for (const version of app.versions) known.set(`${app.path}##${version.version}`, version.metrics);
  }
  const apps: AppWithMetrics[] = status.apps.map((app) => ({
    ...app,
    versions: app.versions.map((version) => {
      const metrics = known.get(`${app.path}##${version.version}`);
      if (metrics === undefined || version.role === 'draining' || metrics.drainEta === undefined)
        return { ...version, metrics };
      const kept = { ...metrics };
      delete kept.drainEta;
      return { ...version, metrics: kept };
    }),
  }));
  return {
    target: status.target,
    managerUrl: status.managerUrl,
    readAt: last?.readAt ?? listReadAt,
    apps,
    metaspace: last?.metaspace,
  };
}

export interface WatchOptions {
  clients: readonly ManagerClient[];
  /** From the start of one read of a target to the start of its next. */
  intervalMs: number;
  /** Reads at once at most (`--parallel`). @defaultValue 4, the core's default */
  parallel?: number | undefined;
  /**
   * How long one read may take before the target counts as down for this round.
   * @defaultValue the interval, and at least 5 s (a refused connection's retries fit in it)
   */
  readTimeoutMs?: number | undefined;
  /** Aborted: every loop ends, a read in flight is cut short and not reported. */
  signal: AbortSignal;
  /** Each new snapshot, one per finished read. */
  onChange: (snapshot: Snapshot) => void;
}

/** Below this, a refused connection would time out before its retries (250 + 500 + 1000 ms) end. */
const MIN_READ_TIMEOUT_MS = 5_000;
const DEFAULT_PARALLEL = 4;

/**
 * Reads every target every `intervalMs` until the signal aborts, each in its own loop, so that a
 * slow or dead target delays no other: at most `parallel` reads at once, each bounded by
 * `readTimeoutMs`, and never two reads of one target less than an interval apart (a read that
 * overran is followed by the next at once). Resolves once every loop has ended.
 */
export async function watchTargets(options: WatchOptions): Promise<void> {
  const {
    clients,
    intervalMs,
    signal,
    onChange,
    parallel = DEFAULT_PARALLEL,
    readTimeoutMs = Math.max(intervalMs, MIN_READ_TIMEOUT_MS),
  } = options;
  let snapshot = initialSnapshot(clients, intervalMs);
  const slots = new Slots(parallel);
  const publish = (index: number, entry: TargetSnapshot) => {
    snapshot = {
      ...snapshot,
      sequence: snapshot.sequence + 1,
      targets: snapshot.targets.map((old, i) => (i === index ? entry : old)),
    };
    onChange(snapshot);
  };
  await Promise.all(
    clients.map(async (client, index) => {
      const page: { memory: StatusPageMemory } = { memory: { kind: 'unknown', askedAt: undefined } };
      while (!signal.aborted) {
        const read = await slots.use(signal, () => readWithin(client, page, { readTimeoutMs, signal }));
        if (read === undefined) return;
        publish(index, read.entry);
        if (read.entry.state === 'down' && !read.entry.readAgain) return;
        if (!(await pause(read.startedAt + intervalMs - Date.now(), signal))) return;
      }
    }),
  );
}

interface TimedRead {
  entry: TargetUp | TargetDown;
  startedAt: number;
}

/**
 * One read of one target within `readTimeoutMs`; `undefined` when the signal aborted it. The
 * time-out is a typed `ConnectionError` of its own, so that the page says what happened instead
 * of "aborted".
 */
async function readWithin(
  client: ManagerClient,
  page: { memory: StatusPageMemory },
  { readTimeoutMs, signal }: { readTimeoutMs: number; signal: AbortSignal },
): Promise<TimedRead | undefined> {
  if (signal.aborted) return undefined;
  // One controller per read, its listener on the long-lived signal removed afterwards: nothing
  // of a read stays reachable from it (AbortSignal.any leaves that to the garbage collector),
  // which matters in a process that runs for days.
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal.addEventListener('abort', stop, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, readTimeoutMs);
  const startedAt = Date.now();
  const started = performance.now();
  const base = { target: client.name, managerUrl: client.managerUrl };
  try {
    const { report, metrics } = await readTarget(client, page, controller.signal, startedAt);
    const durationMs = performance.now() - started;
    return { startedAt, entry: { ...base, state: 'up', readAt: Date.now(), durationMs, report, metrics } };
  } catch (caught) {
    if (signal.aborted) return undefined;
    const error = timedOut ? noAnswerWithin(client, readTimeoutMs) : toTomcatPdError(caught);
    const durationMs = performance.now() - started;
    return {
      startedAt,
      entry: {
        ...base,
        state: 'down',
        readAt: Date.now(),
        durationMs,
        error,
        readAgain: error.code !== ErrorCode.auth,
      },
    };
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}

/**
 * `list`, and the status page when it is due (`getMetrics` reads both); a server without the
 * status JSON, or refusing it, is read with `getStatus` alone. Updates `page` as it learns.
 */
async function readTarget(
  client: ManagerClient,
  page: { memory: StatusPageMemory },
  signal: AbortSignal,
  now: number,
): Promise<{ report: MetricsReport; metrics: MetricsSource }> {
  const memory = page.memory;
  if (statusPageDue(memory, now)) {
    // Asked now, whatever the answer: a read that fails counts towards the floor too.
    page.memory = memory.kind === 'absent' ? memory : { ...memory, askedAt: now };
    try {
      const report = await getMetrics(client, { signal });
      page.memory = { kind: 'present', askedAt: now, last: report };
      return { report, metrics: { kind: 'status-page', readAt: report.readAt } };
    } catch (caught) {
      const error = toTomcatPdError(caught);
      if (error instanceof NoStatusJsonError) page.memory = { kind: 'absent', error };
      else if (error.code === ErrorCode.forbidden) page.memory = { kind: 'refused', askedAt: now, error };
      else throw error;
      // A 403 of the text API itself fails the `list` below as well, and the target is down.
    }
  }
  const status = await getStatus(client, { signal });
  const current = page.memory;
  switch (current.kind) {
    case 'present':
      return {
        report: joinLastMetrics(status, current.last, Date.now()),
        metrics: { kind: 'status-page', readAt: current.last.readAt },
      };
    case 'absent':
    case 'refused':
      return {
        report: joinLastMetrics(status, undefined, Date.now()),
        metrics: { kind: 'none', reason: current.error },
      };
    case 'unknown':
      return {
        report: joinLastMetrics(status, undefined, Date.now()),
        metrics: { kind: 'not-yet' },
      };
  }
}

function noAnswerWithin(client: ManagerClient, timeoutMs: number): TomcatPdError {
  const seconds = `${Math.round(timeoutMs / 100) / 10} s`;
  return new ConnectionError(
    `${client.name} did not answer within ${seconds} at ${client.managerUrl}.`,
    { transient: true, reason: `no answer within ${seconds}` },
    {
      url: client.managerUrl,
      hint: 'Tomcat may be overloaded, stalled or unreachable; serve reads it again at the next interval.',
    },
  );
}

/**
 * At most `limit` tasks at once, in the order they asked; a task whose signal aborts while it
 * waits leaves the queue. The queue holds at most one waiter per target loop.
 */
class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#free = limit;
  }

  /** Runs `work` in a slot; `undefined` when the signal aborted before a slot was free. */
  async use<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T | undefined> {
    if (!(await this.#acquire(signal))) return undefined;
    try {
      return await work();
    } finally {
      const next = this.#waiting.shift();
      if (next === undefined) this.#free += 1;
      else next();
    }
  }

  #acquire(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const granted = () => {
        signal.removeEventListener('abort', aborted);
        resolve(true);
      };
      const aborted = () => {
        const at = this.#waiting.indexOf(granted);
        if (at >= 0) this.#waiting.splice(at, 1);
        resolve(false);
      };
      this.#waiting.push(granted);
      signal.addEventListener('abort', aborted, { once: true });
    });
  }
}

/** Waits `ms` (nothing when it is not positive); `false` when the signal aborted first. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const aborted = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', aborted);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', aborted, { once: true });
  });
}
