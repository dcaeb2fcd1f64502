import { getEventListeners } from 'node:events';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fleetDeploy } from '../../src/ops/deploy/fleet-deploy.js';
import { fleetDrainPeriodically } from '../../src/ops/drain/fleet-drain.js';
import { onEachTarget, withFleetSignal } from '../../src/ops/fleet.js';
import { fleetRollback } from '../../src/ops/rollback/fleet-rollback.js';
import { entry, fakeFleet, type FakeManager } from '../helpers/fake-client.js';
import { onFakeClock } from '../helpers/fake-clock.js';
import { minimalWar } from '../helpers/zip.js';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { TomcatPdError } from '../../src/errors/tomcat-pd-error.js';

// A fleet call's requests listen to a signal of the call's own, not to the caller's: each request
// in flight adds an abort listener, and from the 11th on one signal Node prints a listener-leak
// warning, which a library user with `parallel: 16` would otherwise get on stderr.

const TARGETS = 16;

let war: string;

beforeAll(async () => {
  war = join(await mkdtemp(join(tmpdir(), 'tomcat-pd-fleet-signal-')), 'shop.war');
  await writeFile(war, minimalWar());
});

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/**
 * Fakes whose `list` behaves like a request in flight: it listens to the signal it was given
 * for 5 ms of the fake clock. `peak` is the most listeners the caller's signal had meanwhile,
 * `overlap` the most lists in flight at once (the premise of a peak of 1: they did overlap).
 */
function inFlight(caller: AbortSignal, fakes: FakeManager[]) {
  let peak = 0;
  let now = 0;
  let overlap = 0;
  for (const fake of fakes) {
    const list = fake.list.bind(fake);
    fake.list = async (options?: { signal?: AbortSignal }) => {
      const listening = () => undefined;
      options?.signal?.addEventListener('abort', listening);
      overlap = Math.max(overlap, ++now);
      await new Promise((resolve) => setTimeout(resolve, 5));
      peak = Math.max(peak, abortListeners(caller));
      now -= 1;
      options?.signal?.removeEventListener('abort', listening);
      return list();
    };
  }
  return { fakes, peak: () => peak, overlap: () => overlap };
}

/** The names of the process warnings emitted while `work` ran (Node emits them on process.nextTick). */
async function warningsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => warnings.push(warning.name);
  process.on('warning', onWarning);
  try {
    await work();
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

const shops = (versions: string[]) =>
  Array.from({ length: TARGETS }, () => versions.map((version) => entry('/shop', version)));

describe('withFleetSignal', () => {
  it('listens once to the caller while the work runs, and not at all afterwards', async () => {
    const caller = new AbortController();
    const during = await withFleetSignal(caller.signal, () => Promise.resolve(abortListeners(caller.signal)));
    expect(during).toBe(1);
    expect(abortListeners(caller.signal)).toBe(0);
  });

  it("aborts with the caller's reason, also when the caller had aborted already", async () => {
    const caller = new AbortController();
    const reason = new Error('stop');
    const seen = await withFleetSignal(caller.signal, ({ signal }) => {
      caller.abort(reason);
      return Promise.resolve({ aborted: signal.aborted, reason: signal.reason as unknown });
    });
    expect(seen).toEqual({ aborted: true, reason });
    const late = await withFleetSignal(caller.signal, ({ signal }) =>
      Promise.resolve(signal.reason as unknown),
    );
    expect(late).toBe(reason);
  });

  it('may be aborted by the work without aborting the caller', async () => {
    const caller = new AbortController();
    const aborted = await withFleetSignal(caller.signal, (fleet) => {
      fleet.abort();
      return Promise.resolve(fleet.signal.aborted);
    });
    expect(aborted).toBe(true);
    expect(caller.signal.aborted).toBe(false);
  });

  it('takes any number of listeners without a warning', async () => {
    const warnings = await warningsDuring(() =>
      withFleetSignal(new AbortController().signal, ({ signal }) => {
        for (let i = 0; i < 50; i++) signal.addEventListener('abort', () => undefined);
        expect(abortListeners(signal)).toBe(50);
        return Promise.resolve();
      }),
    );
    expect(warnings).toEqual([]);
  });
});

describe(`the fleet operations with parallel ${TARGETS}: one listener on the caller's signal`, () => {
  // setImmediate stays real: warningsDuring waits for a turn of the event loop.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('onEachTarget, when the work uses the signal it is given', async () => {
    const caller = new AbortController();
    const { fakes, peak, overlap } = inFlight(caller.signal, fakeFleet(...shops(['001'])));
    const outcomes = await onFakeClock(
      onEachTarget(fakes, (client, signal) => client.list({ signal }), {
        parallel: TARGETS,
        signal: caller.signal,
      }),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(TARGETS);
    expect(overlap()).toBe(TARGETS);
    expect(peak()).toBe(1);
    expect(abortListeners(caller.signal)).toBe(0);
  });

  it('fleetDeploy', async () => {
    const caller = new AbortController();
    const { fakes, peak, overlap } = inFlight(caller.signal, fakeFleet(...shops(['001'])));
    const result = await onFakeClock(
      fleetDeploy(fakes, {
        path: '/shop',
        warFile: war,
        parallel: TARGETS,
        signal: caller.signal,
      }),
    );
    expect(result.targets.map((target) => target.version)).toEqual(Array(TARGETS).fill('002'));
    expect(overlap()).toBe(TARGETS);
    expect(peak()).toBe(1);
  });

  it('fleetRollback', async () => {
    const caller = new AbortController();
    const { fakes, peak, overlap } = inFlight(caller.signal, fakeFleet(...shops(['001', '002'])));
    const result = await onFakeClock(
      fleetRollback(fakes, { path: '/shop', parallel: TARGETS, signal: caller.signal }),
    );
    expect(result.targets).toHaveLength(TARGETS);
    expect(overlap()).toBe(TARGETS);
    expect(peak()).toBe(1);
  });

  it('fleetDrainPeriodically, one loop per target: no warning on the signal they share either', async () => {
    const caller = new AbortController();
    const { fakes, peak, overlap } = inFlight(caller.signal, fakeFleet(...shops(['001', '002'])));
    let cycles = 0;
    const warnings = await warningsDuring(() =>
      onFakeClock(
        fleetDrainPeriodically(fakes, {
          path: '/shop',
          intervalMs: 1_000,
          signal: caller.signal,
          onCycle: () => {
            cycles += 1;
            if (cycles === TARGETS) caller.abort();
          },
        }),
      ),
    );
    expect(cycles).toBe(TARGETS);
    expect(warnings).toEqual([]);
    expect(overlap()).toBe(TARGETS);
    expect(peak()).toBe(1);
    expect(abortListeners(caller.signal)).toBe(0);
  });
});

describe('onEachTarget', () => {
  it('reports every target, the unreachable one as an error', async () => {
    const targets = fakeFleet([entry('/a', '001')], [entry('/a', '001')]);
    targets[0]!.failNext.set('list', new TomcatPdError(ErrorCode.connect, 'refused'));
    const outcomes = await onEachTarget(targets, (client) => client.list());
    expect(outcomes.map((o) => [o.target, o.ok])).toEqual([
      ['web1', false],
      ['web2', true],
    ]);
  });
});
