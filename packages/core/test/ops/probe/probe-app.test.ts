import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConnectionError } from '../../../src/errors/error-classes.js';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { probeApp } from '../../../src/ops/probe/probe-app.js';
import { FakeManager, entry } from '../../helpers/fake-client.js';
import { onFakeClock } from '../../helpers/fake-clock.js';

// A probe waits between its tries with the global timer (common/sleep.ts): on the fake clock, a
// time-out runs out at once, and exactly when it should.
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const fast = { timeoutMs: 400, intervalMs: 20 };
const refused = () => new ConnectionError('No answer from x: connection refused.', { transient: true });

describe('probeApp', () => {
  it('visits every path under the context path and reports each', async () => {
    const tomcat = new FakeManager([entry('/shop', '002')]);
    const probes = await probeApp(tomcat, {
      path: '/shop',
      probe: { paths: ['/health', '/ready'] },
      phase: 'live',
    });
    expect(probes).toEqual([
      expect.objectContaining({
        phase: 'live',
        target: 'fake',
        url: 'http://fake.test/shop/health',
        status: 200,
        ok: true,
      }),
      expect.objectContaining({ url: 'http://fake.test/shop/ready', ok: true }),
    ]);
    expect(tomcat.calls).toEqual(['visit /shop/health', 'visit /shop/ready']);
  });

  it('tries again while there is no answer, 404 or 503, and passes once it is up', async () => {
    const tomcat = new FakeManager([entry('/shop', '002')]);
    const answers = [
      refused(),
      { status: 404, body: '' },
      { status: 503, body: 'starting' },
      { status: 200, body: 'ok' },
    ];
    tomcat.answerVisit = () => {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      return next ?? { status: 200, body: 'ok' };
    };
    const [probe] = await onFakeClock(
      probeApp(tomcat, { path: '/shop', probe: { paths: ['/health'], ...fast } }),
    );
    expect(probe).toMatchObject({ ok: true, status: 200 });
    expect(tomcat.calls.filter((call) => call.startsWith('visit'))).toHaveLength(4);
  });

  it('fails at once on a 500, and does not try the next path', async () => {
    const tomcat = new FakeManager([entry('/shop', '002')]);
    tomcat.answerVisit = () => ({ status: 500, body: 'broken: missing JDBC driver' });
    const probes = await probeApp(tomcat, {
      path: '/shop',
      probe: { paths: ['/health', '/ready'], ...fast },
    });
    expect(probes).toEqual([
      expect.objectContaining({
        ok: false,
        status: 500,
        detail: 'answered HTTP 500: "broken: missing JDBC driver"',
      }),
    ]);
    expect(tomcat.calls).toEqual(['visit /shop/health']);
  });

  it('gives up when the time-out runs out, saying what it last saw', async () => {
    const tomcat = new FakeManager([entry('/shop', '002')]);
    tomcat.answerVisit = () => ({ status: 503, body: 'still starting' });
    const started = Date.now();
    const [probe] = await onFakeClock(
      probeApp(tomcat, { path: '/', probe: { paths: ['/health'], ...fast } }),
    );
    // At the time-out: not before, and not a try later.
    expect(Date.now() - started).toBe(fast.timeoutMs);
    expect(probe).toMatchObject({
      ok: false,
      status: 503,
      url: 'http://fake.test/health',
      detail: expect.stringMatching(/^answered HTTP 503: "still starting"; still not up after 0.4 s$/),
    });
  });

  it('when the last try only ran into the deadline, reports what the app last answered', async () => {
    const tomcat = new FakeManager([entry('/shop', '002')]);
    let visits = 0;
    tomcat.answerVisit = () => {
      visits += 1;
      if (visits === 1) return { status: 404, body: '' };
      throw new ConnectionError('No answer from x: timed out.', { transient: true });
    };
    const [probe] = await onFakeClock(
      probeApp(tomcat, {
        path: '/shop',
        probe: { paths: ['/health'], timeoutMs: 100, intervalMs: 10 },
      }),
    );
    expect(probe).toMatchObject({
      ok: false,
      status: 404,
      detail: 'answered HTTP 404; still not up after 0.1 s',
    });
  });

  it('a host name that does not resolve fails at once (it will not heal)', async () => {
    const tomcat = new FakeManager([entry('/shop', '002')]);
    tomcat.answerVisit = () => {
      throw new ConnectionError('No answer from x: host not found (check the host name).', {
        transient: false,
        reason: 'host not found (check the host name)',
      });
    };
    const [probe] = await probeApp(tomcat, {
      path: '/shop',
      probe: { paths: ['/health'], timeoutMs: 60_000 },
    });
    expect(probe).toMatchObject({
      ok: false,
      status: null,
      detail: 'gave no answer (host not found (check the host name))',
    });
  });

  it('an abort ends the probe with E_ABORTED', async () => {
    const tomcat = new FakeManager([entry('/shop', '002')]);
    tomcat.answerVisit = () => ({ status: 503, body: '' });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    await expect(
      onFakeClock(
        probeApp(tomcat, {
          path: '/shop',
          probe: { paths: ['/health'], timeoutMs: 10_000, intervalMs: 20 },
          signal: controller.signal,
        }),
      ),
    ).rejects.toMatchObject({ code: ErrorCode.aborted });
    // Ended by the abort at 50 ms, not by the time-out of 10 s.
    expect(Date.now() - started).toBe(50);
  });
});
