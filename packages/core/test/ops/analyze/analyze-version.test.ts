import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from '../../../src/errors/error-classes.js';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { protocolError } from '../../../src/manager/parse/parse-response.js';
import { parseAnalysisOptions } from '../../../src/ops/analyze/analysis-options.js';
import { analyzeVersion } from '../../../src/ops/analyze/analyze-version.js';
import { silentLogger } from '../../../src/common/logger.js';
import { contextMetrics, entry, FakeManager } from '../../helpers/fake-client.js';

describe('analyzeVersion', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A Tomcat where each reading of the status page adds `perReading` requests (and errors) to 002, and 10 good ones to 001. */
  function growing(perReading: { requests: number; errors: number }) {
    const tomcat = new FakeManager([
      entry('/shop', '001', 'running', 1),
      entry('/shop', '002', 'running', 1),
    ]);
    let readings = 0;
    tomcat.answerMetrics = (contexts) => {
      readings += 1;
      return {
        contexts: contexts.map((context) =>
          context.version === '002'
            ? contextMetrics(context, {
                requests: readings * perReading.requests,
                errors: readings * perReading.errors,
              })
            : contextMetrics(context, { requests: readings * 10 }),
        ),
        memoryPools: [],
      };
    };
    return tomcat;
  }

  const run = (tomcat: FakeManager, windowMs: number) => {
    const analysis = analyzeVersion(
      tomcat,
      { path: '/shop', version: '002', baseline: '001' },
      parseAnalysisOptions({ windowMs, intervalMs: 5_000, minRequests: 20 }),
      { signal: undefined, logger: silentLogger },
    );
    return { analysis, advance: () => vi.advanceTimersByTimeAsync(windowMs) };
  };

  it('a version whose errors grow too fast fails at the first reading that shows it', async () => {
    const tomcat = growing({ requests: 30, errors: 15 });
    const { analysis, advance } = run(tomcat, 60_000);
    await advance();
    expect(await analysis).toMatchObject({
      verdict: 'fail',
      requests: 30,
      errors: 15,
      errorRate: 0.5,
      baseline: { version: '001', requests: 10, errors: 0, errorRate: 0 },
      samples: 2,
    });
  });

  it('a healthy version passes at the end of the window', async () => {
    const tomcat = growing({ requests: 30, errors: 0 });
    const { analysis, advance } = run(tomcat, 10_000);
    await advance();
    expect(await analysis).toMatchObject({ verdict: 'pass', requests: 60, errorRate: 0, samples: 3 });
  });

  it('too few requests by the end are inconclusive', async () => {
    const tomcat = growing({ requests: 2, errors: 2 });
    const { analysis, advance } = run(tomcat, 10_000);
    await advance();
    expect(await analysis).toMatchObject({ verdict: 'inconclusive', requests: 4, errors: 4 });
  });

  it('a version gone from the status page (undeployed meanwhile) ends it, inconclusive, with a note', async () => {
    const tomcat = growing({ requests: 30, errors: 0 });
    const { analysis, advance } = run(tomcat, 10_000);
    tomcat.contexts.splice(1, 1);
    await advance();
    expect(await analysis).toMatchObject({
      verdict: 'inconclusive',
      note: expect.stringContaining('no longer on the status page'),
    });
  });

  it('a reading that fails (a dropped connection) is skipped, and the analysis goes on', async () => {
    const tomcat = growing({ requests: 30, errors: 0 });
    const answer = tomcat.answerMetrics;
    let call = 0;
    tomcat.answerMetrics = (contexts) => {
      call += 1;
      if (call === 2)
        throw new ConnectionError('No answer from web1: the connection was reset.', { transient: true });
      return answer(contexts);
    };
    const { analysis, advance } = run(tomcat, 15_000);
    await advance();
    expect(await analysis).toMatchObject({ verdict: 'pass', samples: 3 });
  });

  it('an answer that cannot be read ends it as inconclusive, saying why', async () => {
    const tomcat = growing({ requests: 30, errors: 0 });
    const answer = tomcat.answerMetrics;
    let call = 0;
    tomcat.answerMetrics = (contexts) => {
      call += 1;
      if (call === 2) throw protocolError('The status page answered JSON that cannot be parsed', '{"tom');
      return answer(contexts);
    };
    const { analysis, advance } = run(tomcat, 15_000);
    await advance();
    expect(await analysis).toMatchObject({
      verdict: 'inconclusive',
      samples: 1,
      note: expect.stringContaining('cannot be parsed'),
    });
  });

  it('a 401 during the window ends it at once: asking again every interval would lock the user out', async () => {
    const tomcat = growing({ requests: 30, errors: 0 });
    const answer = tomcat.answerMetrics;
    let call = 0;
    tomcat.answerMetrics = (contexts) => {
      call += 1;
      if (call >= 2) throw new TomcatPdError(ErrorCode.auth, 'Tomcat rejected the credentials (HTTP 401).');
      return answer(contexts);
    };
    const { analysis, advance } = run(tomcat, 30_000);
    await advance();
    expect(await analysis).toMatchObject({
      verdict: 'inconclusive',
      note: expect.stringContaining('HTTP 401'),
    });
    expect(call).toBe(2);
  });
});
