import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError, NoStatusJsonError } from '../../../src/errors/error-classes.js';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import type { ManagerClient } from '../../../src/manager/manager-client.js';
import type { ContextEntry, ServerMetrics } from '../../../src/manager/parse/types.js';
import { MIN_ANALYSIS_INTERVAL_MS } from '../../../src/ops/analyze/analysis-options.js';
import type { FleetSnapshot, TargetSnapshot } from '../../../src/ops/watch/fleet-snapshot.js';
import { watchFleet, type WatchFleetOptions } from '../../../src/ops/watch/watch-fleet.js';

/** What a fake target does when asked: answer (with or without the status JSON), fail, or hang. */
type Behaviour = 'json' | 'no-json' | 'page-refused' | 'refused' | 'unauthorized' | 'hang';

interface FakeTarget {
  client: ManagerClient;
  behaviour: Behaviour;
  /** `[kind, fake time]` of every request: `list`, `status` (the page), `sessions`. */
  readonly calls: [string, number][];
  /** Requests in flight now, and the most at once. */
  inFlight: number;
  maxInFlight: number;
}

const LIST: ContextEntry[] = [
  { path: '/shop', version: '001', state: 'running', sessions: 1, name: 'shop##001' },
  { path: '/shop', version: '002', state: 'running', sessions: 0, name: 'shop##002' },
];

function context(version: string, requests: number): ServerMetrics['contexts'][number] {
  return {
    name: `localhost/shop##${version}`,
    host: 'localhost',
    path: '/shop',
    version,
    state: 'STARTED',
    startedAt: Date.UTC(2026, 11, 1),
    startTime: 'Tue Dec 01 00:00:00 UTC 2026',
    sessions: {
      active: 0,
      created: 5,
      expired: 0,
      rejected: 0,
      maxActive: 1,
      averageAliveSeconds: 0,
      maxAliveSeconds: 0,
    },
    requests,
    errors: 1,
    processingTimeMs: 10,
    servlets: [],
  };
}

function fakeTarget(name: string, behaviour: Behaviour): FakeTarget {
  const fake: FakeTarget = { behaviour, calls: [], inFlight: 0, maxInFlight: 0, client: undefined as never };
  const answer = async <T>(kind: string, signal: AbortSignal | undefined, value: () => T): Promise<T> => {
    fake.calls.push([kind, Date.now()]);
    fake.inFlight += 1;
    fake.maxInFlight = Math.max(fake.maxInFlight, fake.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 10));
      switch (fake.behaviour) {
        case 'refused':
          throw new ConnectionError(`Cannot reach ${name}: connection refused.`, { transient: true });
        case 'unauthorized':
          throw new TomcatPdError(ErrorCode.auth, `Tomcat rejected the credentials at ${name} (HTTP 401).`);
        case 'hang':
          // As the transport does: nothing until the signal aborts the request.
          await new Promise((_, reject) =>
            signal?.addEventListener('abort', () =>
              reject(new TomcatPdError(ErrorCode.aborted, `${kind} at ${name} was aborted.`)),
            ),
          );
          throw new Error('unreachable');
        default:
          return value();
      }
    } finally {
      fake.inFlight -= 1;
    }
  };
  const page = (): ServerMetrics => {
    if (fake.behaviour === 'no-json') throw new NoStatusJsonError(`${name} has no status page in JSON.`);
    if (fake.behaviour === 'page-refused')
      throw new TomcatPdError(ErrorCode.forbidden, `Tomcat refused the status page of ${name} (HTTP 403).`);
    return { contexts: [context('001', 7), context('002', 30)], memoryPools: [] };
  };
  const client: Partial<ManagerClient> = {
    name,
    managerUrl: `http://${name}:8080/manager`,
    appUrl: `http://${name}:8080`,
    list: ({ signal } = {}) => answer('list', signal, () => LIST.map((entry) => ({ ...entry }))),
    serverMetrics: ({ signal } = {}) => answer('status', signal, page),
    sessions: (ref) =>
      answer('sessions', ref.signal, () => ({
        defaultMaxInactiveMinutes: 30,
        buckets: [{ label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 }],
        total: 1,
      })),
  };
  fake.client = client as ManagerClient;
  return fake;
}

/** Reads a target again after anything but a 401, as serve does. */
const readAgainUnless401 = (error: TomcatPdError) =>
  error.code === ErrorCode.auth ? ('stop-target' as const) : ('read-again' as const);

/**
 * Runs watchFleet with metrics for `ms` of fake time (a read every second, each target read again
 * after anything but a 401, unless `options` say otherwise); the snapshots it published, then it
 * is stopped.
 */
async function watchFor(
  targets: FakeTarget[],
  ms: number,
  options: Partial<Omit<WatchFleetOptions, 'signal' | 'onChange'>> = {},
): Promise<{ snapshots: FleetSnapshot[]; last: () => readonly TargetSnapshot[]; ended: unknown }> {
  const controller = new AbortController();
  const snapshots: FleetSnapshot[] = [];
  const done = watchFleet(
    targets.map((t) => t.client),
    {
      intervalMs: 1_000,
      metrics: true,
      onFailure: readAgainUnless401,
      ...options,
      signal: controller.signal,
      onChange: (snapshot) => snapshots.push(snapshot),
    },
  );
  const ended = done.then(
    () => 'ended',
    (error: unknown) => error,
  );
  await vi.advanceTimersByTimeAsync(ms);
  controller.abort();
  // A read in flight at the abort ends on its own time (the fakes do not listen to the signal).
  await vi.advanceTimersByTimeAsync(50);
  return { snapshots, last: () => snapshots.at(-1)?.targets ?? [], ended: await ended };
}

const kinds = (target: FakeTarget, kind: string) =>
  target.calls.filter(([k]) => k === kind).map(([, at]) => at);

beforeEach(() => {
  vi.useFakeTimers({ now: Date.UTC(2026, 11, 2, 10, 0, 0) });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('watchFleet', () => {
  it('reads list every interval, and the status page at most every 5 s', async () => {
    const web1 = fakeTarget('web1', 'json');
    const { last } = await watchFor([web1], 12_500);
    expect(kinds(web1, 'list').length).toBe(13);
    // Never two reads less than an interval apart (a read's requests follow each other at once).
    const reads = web1.calls.map(([, at]) => at).filter((at, i, all) => i === 0 || at - all[i - 1]! > 100);
    expect(reads.length).toBe(13);
    for (let i = 1; i < reads.length; i++) expect(reads[i]! - reads[i - 1]!).toBeGreaterThanOrEqual(1_000);
    const pages = kinds(web1, 'status');
    expect(pages.length).toBe(3);
    for (let i = 1; i < pages.length; i++)
      expect(pages[i]! - pages[i - 1]!).toBeGreaterThanOrEqual(MIN_ANALYSIS_INTERVAL_MS);
    // A draining version's ETA needs its sessions: one request per page read.
    expect(kinds(web1, 'sessions').length).toBe(3);
    const [entry] = last();
    expect(entry?.state).toBe('up');
    if (entry?.state !== 'up') return;
    expect(entry.metrics).toEqual({ kind: 'status-page', readAt: entry.report.readAt });
    // Between two page reads, each version keeps the metrics of the last one.
    expect(entry.report.apps[0]?.versions.map((v) => [v.version, v.role, v.metrics?.requests])).toEqual([
      ['001', 'draining', 7],
      ['002', 'live', 30],
    ]);
  });

  it('a server without the status JSON is asked for it once, then read with list alone', async () => {
    const old = fakeTarget('old', 'no-json');
    const { last } = await watchFor([old], 10_500);
    expect(kinds(old, 'status').length).toBe(1);
    expect(kinds(old, 'list').length).toBe(11);
    const [entry] = last();
    expect(entry).toMatchObject({ state: 'up', metrics: { kind: 'none' } });
    if (entry?.state !== 'up' || entry.metrics.kind !== 'none') return;
    expect(entry.metrics.reason).toBeInstanceOf(NoStatusJsonError);
    expect(entry.report.apps[0]?.versions.every((v) => v.metrics === undefined)).toBe(true);
  });

  it('a refused status page (403) leaves list readable, and is asked again after 5 s', async () => {
    const web = fakeTarget('web', 'page-refused');
    const { last } = await watchFor([web], 10_500);
    expect(kinds(web, 'status').length).toBe(3);
    expect(kinds(web, 'list').length).toBe(11);
    expect(last()[0]).toMatchObject({
      state: 'up',
      metrics: { kind: 'none', reason: { code: 'E_FORBIDDEN' } },
    });
  });

  it('a target that hangs is down after the read time-out and delays no other', async () => {
    const hung = fakeTarget('hung', 'hang');
    const web1 = fakeTarget('web1', 'json');
    const { snapshots, last } = await watchFor([hung, web1], 10_500, { parallel: 2 });
    expect(kinds(web1, 'list').length).toBe(11);
    const [entry] = last();
    expect(entry).toMatchObject({ state: 'down', readAgain: true });
    if (entry?.state !== 'down') return;
    expect(entry.error).toBeInstanceOf(ConnectionError);
    expect(entry.error.message).toBe('hung did not answer within 5 s at http://hung:8080/manager.');
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    // web1's reads were published while hung's was still waiting.
    const firstDown = snapshots.findIndex((s) => s.targets[0]?.state === 'down');
    expect(snapshots.slice(0, firstDown).filter((s) => s.targets[1]?.state === 'up').length).toBeGreaterThan(
      3,
    );
  });

  it('down while refused, up again when it answers; the snapshot says which at each moment', async () => {
    const web = fakeTarget('web', 'refused');
    const controller = new AbortController();
    let current: FleetSnapshot | undefined;
    const done = watchFleet([web.client], {
      intervalMs: 1_000,
      metrics: true,
      signal: controller.signal,
      onChange: (snapshot) => (current = snapshot),
    });
    await vi.advanceTimersByTimeAsync(2_500);
    expect(current?.targets[0]).toMatchObject({ state: 'down', error: { code: 'E_CONNECT' } });
    web.behaviour = 'json';
    await vi.advanceTimersByTimeAsync(1_000);
    // The failed read asked for the status page too: the next ask waits out the floor.
    expect(current?.targets[0]).toMatchObject({ state: 'up', metrics: { kind: 'not-yet' } });
    await vi.advanceTimersByTimeAsync(MIN_ANALYSIS_INTERVAL_MS);
    expect(current?.targets[0]).toMatchObject({ state: 'up', metrics: { kind: 'status-page' } });
    controller.abort();
    await done;
  });

  it('stop-target: after a 401 a target is not read again (each try would count towards the lock-out), the others go on', async () => {
    const web = fakeTarget('web', 'unauthorized');
    const web2 = fakeTarget('web2', 'json');
    const { last, ended } = await watchFor([web, web2], 10_000);
    expect(web.calls.map(([kind]) => kind)).toEqual(['status']);
    expect(last()[0]).toMatchObject({ state: 'down', readAgain: false, error: { code: 'E_AUTH' } });
    expect(kinds(web2, 'list').length).toBe(11);
    expect(ended).toBe('ended');
  });

  it('by default a failure that every read would meet (401, 403) ends the watch with its error', async () => {
    const web = fakeTarget('web', 'unauthorized');
    const web2 = fakeTarget('web2', 'json');
    const { snapshots, ended } = await watchFor([web, web2], 10_000, { onFailure: undefined });
    expect(ended).toMatchObject({ code: ErrorCode.auth });
    expect(snapshots.at(-1)?.targets[0]).toMatchObject({ state: 'down', readAgain: false });
    // web2 stopped too: not read every second for ten seconds.
    expect(kinds(web2, 'list').length).toBeLessThan(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('without metrics: list alone, every interval', async () => {
    const web = fakeTarget('web', 'json');
    const { last } = await watchFor([web], 3_500, { metrics: false });
    expect(kinds(web, 'status')).toEqual([]);
    expect(kinds(web, 'list').length).toBe(4);
    expect(last()[0]).toMatchObject({ state: 'up', metrics: { kind: 'not-asked' } });
  });

  it('at most --parallel reads at once, over all targets', async () => {
    const targets = ['a', 'b', 'c', 'd', 'e'].map((name) => fakeTarget(name, 'json'));
    let inFlight = 0;
    let most = 0;
    for (const target of targets) {
      const list = target.client.list.bind(target.client);
      target.client.list = async (options) => {
        inFlight += 1;
        most = Math.max(most, inFlight);
        try {
          return await list(options);
        } finally {
          inFlight -= 1;
        }
      };
    }
    await watchFor(targets, 3_500, { parallel: 2 });
    expect(most).toBe(2);
    for (const target of targets) expect(kinds(target, 'list').length).toBeGreaterThanOrEqual(3);
  });

  it('stops every loop when the signal aborts: a read in flight is not reported', async () => {
    const hung = fakeTarget('hung', 'hang');
    const { snapshots } = await watchFor([hung], 1_000);
    expect(snapshots).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('one new snapshot per read, each a new object, the targets in their order', async () => {
    const { snapshots } = await watchFor([fakeTarget('a', 'json'), fakeTarget('b', 'no-json')], 1_500);
    expect(snapshots.map((s) => s.sequence)).toEqual([1, 2, 3, 4]);
    expect(new Set(snapshots).size).toBe(4);
    expect(snapshots.at(-1)?.targets.map((t) => t.target)).toEqual(['a', 'b']);
  });
});
