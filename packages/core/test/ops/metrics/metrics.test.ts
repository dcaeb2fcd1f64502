import { describe, expect, it } from 'vitest';
import { getMetrics } from '../../../src/ops/metrics/metrics.js';
import { SESSION_SWEEP_LAG_MS } from '../../../src/ops/metrics/drain-eta.js';
import { contextMetrics, entry, FakeManager } from '../../helpers/fake-client.js';

describe('getMetrics', () => {
  it('joins list and the status page per version, with a drain ETA for draining versions only', async () => {
    const tomcat = new FakeManager([
      entry('/shop', '001', 'running', 2),
      entry('/shop', '002', 'running', 1),
      entry('/shop', '003', 'stopped'),
    ]);
    const deployedAt = Date.UTC(2026, 11, 1, 12);
    tomcat.answerMetrics = (contexts) => ({
      contexts: contexts.map((context) =>
        contextMetrics(
          context,
          context.version === '002' ? { requests: 200, errors: 3, created: 40, deployedAt } : {},
        ),
      ),
      memoryPools: [{ name: 'Metaspace', type: 'Non-heap memory', usedBytes: 80, maxBytes: 100 }],
    });
    const report = await getMetrics(tomcat, { path: '/shop' });
    const [v1, v2, v3] = report.apps[0]?.versions ?? [];
    expect(v1).toMatchObject({ role: 'draining', metrics: { requests: 0, errorRate: undefined } });
    expect(v1?.metrics?.drainEta).toEqual({ kind: 'by', inMs: 30 * 60_000 + SESSION_SWEEP_LAG_MS });
    expect(v2).toMatchObject({
      role: 'live',
      metrics: { deployedAt, requests: 200, errors: 3, errorRate: 0.015, sessionsCreated: 40 },
    });
    expect(v2?.metrics).not.toHaveProperty('drainEta');
    // Not started: the status page has no figures for it.
    expect(v3).toMatchObject({ role: 'stopped', metrics: undefined });
    expect(report.metaspace).toMatchObject({ usedBytes: 80, maxBytes: 100 });
    expect(tomcat.calls).toEqual(['status', 'list', 'sessions /shop##001']);
  });

  it('fails as the status page does, before reading anything else', async () => {
    const tomcat = new FakeManager([entry('/shop', '001')]);
    tomcat.answerMetrics = () => {
      throw new Error('no JSON here');
    };
    await expect(getMetrics(tomcat)).rejects.toThrow('no JSON here');
    expect(tomcat.calls).toEqual(['status']);
  });
});
