import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { FleetOperationError, NoStatusJsonError } from '../../../src/errors/error-classes.js';
import { fleetDeploy } from '../../../src/ops/deploy/fleet-deploy.js';
import { contextMetrics, entry, fakeFleet, type FakeManager } from '../../helpers/fake-client.js';
import { onFakeClock } from '../../helpers/fake-clock.js';
import { failureOf } from '../../helpers/failure.js';
import { minimalWar } from '../../helpers/zip.js';

let war: string;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-analysis-'));
  war = join(dir, 'shop.war');
  await writeFile(war, minimalWar());
});
afterEach(() => vi.useRealTimers());

const analysis = { windowMs: 10_000, intervalMs: 5_000, minRequests: 20 };

/** The new version (002) of `tomcat` serves 30 requests between two readings, `errors` of them failing. */
function serving(tomcat: FakeManager, errors: number) {
  let readings = 0;
  tomcat.answerMetrics = (contexts) => {
    readings += 1;
    return {
      contexts: contexts.map((context) =>
        context.version === '002'
          ? contextMetrics(context, { requests: readings * 30, errors: readings * errors })
          : contextMetrics(context),
      ),
      memoryPools: [],
    };
  };
}

// The analysis waits between its readings with the global timer; the deploy reads the WAR from
// disk in between, which onFakeClock lets finish.
const fakeClock = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });

describe('deploy --analyze', () => {
  it('keeps a version within the limit and reports the analysis', async () => {
    fakeClock();
    const [web1] = fakeFleet([entry('/shop', '001', 'running', 2)]);
    serving(web1!, 0);
    const result = await onFakeClock(fleetDeploy([web1!], { path: '/shop', warFile: war, analysis }));
    expect(result.targets[0]?.analysis).toMatchObject({
      verdict: 'pass',
      requests: 60,
    });
    expect(web1!.contexts.map((c) => c.version)).toEqual(['001', '002']);
  });

  it('undoes a version whose error rate is too high, on every target, and says what is live again', async () => {
    fakeClock();
    const fleet = fakeFleet([entry('/shop', '001', 'running', 2)], [entry('/shop', '001', 'running', 1)]);
    serving(fleet[0]!, 0);
    serving(fleet[1]!, 15);
    const error = await failureOf(onFakeClock(fleetDeploy(fleet, { path: '/shop', warFile: war, analysis })));
    expect(error).toBeInstanceOf(FleetOperationError);
    expect(error.code).toBe(ErrorCode.analysis);
    expect(error.message).toMatch(
      /failed on web2: The new version \/shop##002 failed its canary analysis: 50% errors \(15 of 30 requests\) in \d+ s \(limit 5%; version 001: no requests\)\. It was undeployed; version 001 is live again\./,
    );
    // web1's window was cut short when web2 failed: it did not keep the bad build live until its end.
    const targets = (error as FleetOperationError).targets;
    expect(targets.find((t) => t.target === 'web1')).toMatchObject({
      outcome: 'undone',
      analysis: { verdict: 'inconclusive', note: 'cut short: the deploy failed on another target' },
    });
    expect(targets.find((t) => t.target === 'web2')?.analysis).toMatchObject({
      verdict: 'fail',
      errorRate: 0.5,
    });
    for (const tomcat of fleet) expect(tomcat.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('an inconclusive analysis is kept, or undone with onInconclusive rollback', async () => {
    fakeClock();
    const [kept] = fakeFleet([entry('/shop', '001')]);
    serving(kept!, 0);
    const quiet = { ...analysis, minRequests: 1_000 };
    const keptResult = await onFakeClock(
      fleetDeploy([kept!], { path: '/shop', warFile: war, analysis: quiet }),
    );
    expect(keptResult.targets[0]?.analysis?.verdict).toBe('inconclusive');
    const [strict] = fakeFleet([entry('/shop', '001')]);
    serving(strict!, 0);
    const strictError = await failureOf(
      onFakeClock(
        fleetDeploy([strict!], {
          path: '/shop',
          warFile: war,
          analysis: { ...quiet, onInconclusive: 'rollback' },
        }),
      ),
    );
    expect(strictError.code).toBe(ErrorCode.analysis);
    expect(strict!.contexts.map((c) => c.version)).toEqual(['001']);
  });

  it('a target without the status JSON refuses the deploy before anything is uploaded', async () => {
    const fleet = fakeFleet([entry('/shop', '001')], [entry('/shop', '001')]);
    fleet[1]!.answerMetrics = () => {
      throw new NoStatusJsonError('web2 has no status page in JSON');
    };
    await expect(fleetDeploy(fleet, { path: '/shop', warFile: war, analysis })).rejects.toBeInstanceOf(
      NoStatusJsonError,
    );
    for (const tomcat of fleet) expect(tomcat.changes).toEqual([]);
  });
});
