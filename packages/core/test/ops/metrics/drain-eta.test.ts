import { describe, expect, it } from 'vitest';
import { fixture as recorded } from '@tomcat-pd/testkit/recorded';
import { parseSessions } from '../../../src/manager/parse/parse-sessions.js';
import { drainEta, SESSION_SWEEP_LAG_MS } from '../../../src/ops/metrics/drain-eta.js';

const fixture = (name: string) => parseSessions(recorded(name));

describe('drainEta', () => {
  it('a version without sessions is empty now', () => {
    expect(drainEta(fixture('sessions-none.txt'))).toEqual({ kind: 'empty' });
  });

  it('the freshest session decides: timeout minus its idle time, plus the sweep', () => {
    // Timeout 2 minutes; sessions idle <1, 1 - <2 and >=2 minutes: the <1 one lasts up to 2 minutes.
    expect(drainEta(fixture('sessions-several-buckets.txt'))).toEqual({
      kind: 'by',
      inMs: 2 * 60_000 + SESSION_SWEEP_LAG_MS,
    });
    const onlyOld = {
      defaultMaxInactiveMinutes: 30,
      total: 3,
      buckets: [
        { label: '12 - <13', fromMinutes: 12, toMinutes: 13, count: 1 },
        { label: '20 - <21', fromMinutes: 20, toMinutes: 21, count: 2 },
      ],
    };
    expect(drainEta(onlyOld)).toEqual({ kind: 'by', inMs: 18 * 60_000 + SESSION_SWEEP_LAG_MS });
  });

  it('sessions already past the timeout only wait for the sweep', () => {
    const timedOut = {
      defaultMaxInactiveMinutes: 2,
      total: 4,
      buckets: [{ label: '>=2', fromMinutes: 2, toMinutes: null, count: 4 }],
    };
    expect(drainEta(timedOut)).toEqual({ kind: 'by', inMs: SESSION_SWEEP_LAG_MS });
  });

  it('an app without a session timeout never drains by itself', () => {
    const unlimited = {
      defaultMaxInactiveMinutes: -1,
      total: 1,
      buckets: [{ label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 }],
    };
    expect(drainEta(unlimited)).toEqual({ kind: 'never' });
  });
});
