import { describe, expect, it } from 'vitest';
import type { MetricsReport, VersionMetrics } from '@tomcat-pd/core';
import { metricsDocument, renderMetrics } from '../../src/render/metrics.js';
import { fakeContext } from '../helpers/fake-context.js';
import { pretty } from '../helpers/documents.js';

const readAt = Date.UTC(2026, 11, 2, 10, 0, 0);
const base: VersionMetrics = {
  deployedAt: Date.UTC(2026, 11, 1, 10, 0, 0),
  startTime: 'Tue Dec 01 10:00:00 UTC 2026',
  sessionsCreated: 40,
  requests: 200,
  errors: 3,
  errorRate: 0.015,
  averageSessionSeconds: 240,
};

function report(): MetricsReport {
  return {
    target: 'web1',
    managerUrl: 'http://web1:8080/manager',
    readAt,
    metaspace: { name: 'Metaspace', type: 'Non-heap memory', usedBytes: 80_000_000, maxBytes: null },
    apps: [
      {
        path: '/shop',
        live: '004',
        versions: [
          {
            path: '/shop',
            version: '002',
            state: 'stopped',
            sessions: 0,
            name: 'shop##002',
            role: 'stopped',
            metrics: undefined,
          },
          {
            path: '/shop',
            version: '003',
            state: 'running',
            sessions: 2,
            name: 'shop##003',
            role: 'draining',
            metrics: { ...base, drainEta: { kind: 'by', inMs: 31 * 60_000 } },
          },
          {
            path: '/shop',
            version: '004',
            state: 'running',
            sessions: 12,
            name: 'shop##004',
            role: 'live',
            metrics: {
              ...base,
              deployedAt: undefined,
              startTime: 'Wed Dec 02 11:00:00 IST 2026',
              requests: 0,
              errors: 0,
              errorRate: undefined,
            },
          },
        ],
      },
    ],
  };
}

describe('status --metrics', () => {
  it('the document: metrics per version (null when Tomcat has none), ISO times, the ETA in seconds and as a time', async () => {
    const document = metricsDocument([report()], []);
    await expect(pretty(document)).toMatchFileSnapshot('__snapshots__/metrics.document.json');
    const [stopped, draining, live] = document.apps[0]?.versions ?? [];
    expect(stopped?.metrics).toBeNull();
    expect(draining?.metrics?.drainEta).toEqual({
      kind: 'by',
      inSeconds: 1860,
      at: '2026-12-02T10:31:00.000Z',
    });
    expect(live?.metrics).toMatchObject({ deployedAt: null, ageSeconds: null, errorRate: null });
    expect(live?.metrics).not.toHaveProperty('drainEta');
    expect(document.errors).toEqual([]);
  });

  it('the table: status columns, then the metrics; an unreadable start time as Tomcat wrote it', () => {
    const { context } = fakeContext({ color: false });
    expect(renderMetrics([report()], false, context.output.colors, '/shop').split('\n')).toEqual([
      'web1',
      'APP    VERSION  STATE    SESSIONS  ROLE      DEPLOYED                      AGE  SERVED  REQUESTS  ERRORS    EMPTY BY',
      '/shop  002      stopped  0         stopped   -                             -    -       -         -         -',
      '/shop  003      running  2         draining  2026-12-01 10:00Z             1d   40      200       3 (1.5%)  10:31Z (in 31m; sessions last 4m)',
      '/shop  004      running  12        live      Wed Dec 02 11:00:00 IST 2026  -    40      0         0',
      '',
      'web1: Metaspace 76 MiB (no limit)',
    ]);
  });

  it('a Metaspace with a limit: its share in the document and the text', () => {
    const { context } = fakeContext({ color: false });
    const limited = {
      ...report(),
      metaspace: { name: 'Metaspace', type: 'Non-heap memory', usedBytes: 3 << 20, maxBytes: 4 << 20 },
    };
    expect(metricsDocument([limited], []).targets[0]?.metaspace).toEqual({
      usedBytes: 3 << 20,
      maxBytes: 4 << 20,
      share: 0.75,
    });
    expect(renderMetrics([limited], false, context.output.colors, '/shop')).toMatch(
      /\nweb1: Metaspace 3 MiB of 4 MiB \(75%\)$/,
    );
  });
});
