import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatFailError } from '../../../src/manager/parse/tomcat-fail.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { parseSessions } from '../../../src/manager/parse/parse-sessions.js';
import type { SessionInfo } from '../../../src/manager/parse/types.js';
import { errorOf, GARBAGE, itRefusesNonManagerAnswers } from '../../helpers/malformed-answers.js';
import { anyAnswer, sessionsAnswer } from '../../helpers/manager-arbitraries.js';
import { assertReaching, PARSER_CODES, valueOrTypedError } from '../../helpers/properties.js';
import { tomcat9 } from '../../helpers/recorded.js';

const STATUS = 'OK - Session information for application at context path [/app##001]';
const HEADER = 'Default maximum session inactive interval is [30] minutes';

// sessions-none.txt and sessions-one.txt (on both lines): an app with the default timeout of 30
// minutes, without a session and with one.
const NONE: SessionInfo = { defaultMaxInactiveMinutes: 30, buckets: [], total: 0 };
const ONE: SessionInfo = {
  defaultMaxInactiveMinutes: 30,
  buckets: [{ label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 }],
  total: 1,
};

// sessions-several-buckets.txt (on both lines): a web app with session-timeout 2, sessions made 0, ~65 and ~130 s earlier.
const SEVERAL: SessionInfo = {
  defaultMaxInactiveMinutes: 2,
  buckets: [
    { label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 },
    { label: '1 - <2', fromMinutes: 1, toMinutes: 2, count: 2 },
    { label: '>=2', fromMinutes: 2, toMinutes: null, count: 3 },
  ],
  total: 6,
};

describe('parseSessions', () => {
  it('parses an app without sessions (only the header lines)', () => {
    expect(parseSessions(fixture('sessions-none.txt'))).toEqual(NONE);
  });

  it('parses one session', () => {
    expect(parseSessions(fixture('sessions-one.txt'))).toEqual(ONE);
  });

  it('parses CRLF answers', () => {
    expect(parseSessions(fixture('sessions-crlf.txt'))).toEqual(parseSessions(fixture('sessions-one.txt')));
  });

  it('parses several buckets including the open-ended one', () => {
    const info = parseSessions(fixture('sessions-several-buckets.txt'));
    expect(info).toEqual(SEVERAL);
    expect(info).not.toHaveProperty('expired');
  });

  it('reads the expired count of expire?idle=0 without counting it as a bucket', () => {
    expect(parseSessions(fixture('expire-idle0.txt'), 'expire')).toEqual({ ...SEVERAL, expired: 6 });
  });

  it('parses the bracket-less format of Tomcat before 8.5.15', () => {
    expect(parseSessions(fixture('old-sessions.txt'))).toEqual({
      defaultMaxInactiveMinutes: 30,
      buckets: [
        { label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 },
        { label: '1 - <2', fromMinutes: 1, toMinutes: 2, count: 2 },
        { label: '>=30', fromMinutes: 30, toMinutes: null, count: 1 },
      ],
      total: 4,
    });
  });

  it('parses the bracket-less expire answer with an unlimited line', () => {
    expect(parseSessions(fixture('old-expire.txt'), 'expire')).toEqual({
      defaultMaxInactiveMinutes: 30,
      buckets: [
        { label: '<1', fromMinutes: 0, toMinutes: 1, count: 2 },
        { label: 'unlimited', fromMinutes: 0, toMinutes: null, count: 1 },
      ],
      total: 3,
      expired: 2,
    });
  });

  it('counts "Unlimited time" sessions as a bucket spanning all idle times', () => {
    const info = parseSessions(fixture('sessions-unlimited.txt'));
    expect(info.buckets[1]).toEqual({ label: 'unlimited', fromMinutes: 0, toMinutes: null, count: 1 });
    expect(info.total).toBe(3);
  });

  it('reads a negative default interval and wide buckets', () => {
    const text = `${STATUS}\nDefault maximum session inactive interval is [-1] minutes\nInactive for [2 - <4] minutes: [5] sessions\n`;
    expect(parseSessions(text)).toEqual({
      defaultMaxInactiveMinutes: -1,
      buckets: [{ label: '2 - <4', fromMinutes: 2, toMinutes: 4, count: 5 }],
      total: 5,
    });
  });

  it('throws TomcatFailError (no-context) when the path has no unversioned context', () => {
    expect(() => parseSessions(fixture('sessions-no-version-fail.txt'))).toThrow(TomcatFailError);
    expect(() => parseSessions(fixture('sessions-no-version-fail.txt'))).toThrow(
      expect.objectContaining({ kind: 'no-context', command: 'sessions' }),
    );
  });

  it('throws E_NOT_MANAGER for an HTML page', () => {
    expect(() => parseSessions(fixture('http-403.html'))).toThrow(
      expect.objectContaining({ code: ErrorCode.notManager }),
    );
  });

  it.each([
    ['no header', `${STATUS}\n`],
    ['a wrong header', `${STATUS}\nInactive for [<1] minutes: [1] sessions\n`],
    ['an unknown line', `${STATUS}\n${HEADER}\nTotal: [4] sessions\n`],
    ['an unknown label', `${STATUS}\n${HEADER}\nInactive for [about 3] minutes: [1] sessions\n`],
    ['a truncated bucket', `${STATUS}\n${HEADER}\nInactive for [<1] minutes: [1`],
    ['mixed formats', `${STATUS}\n${HEADER}\nInactive for [<1 minutes: 1] sessions\n`],
  ])('throws E_PROTOCOL for %s', (_what, text) => {
    expect(() => parseSessions(text)).toThrow(expect.objectContaining({ code: ErrorCode.protocol }));
  });
});

describe('answers that are not from the Manager text API → E_NOT_MANAGER', () => {
  itRefusesNonManagerAnswers('parseSessions', (text) => parseSessions(text));
});

describe('a sessions answer with a bad line → E_PROTOCOL', () => {
  const SESSIONS_STATUS = 'OK - Session information for application at context path [/shop##001]\n';
  const HEADER_LINE = 'Default maximum session inactive interval is [30] minutes\n';

  it.each([
    ['no header line', `${SESSIONS_STATUS}Inactive for [<1] minutes: [1] sessions\n`],
    ['a negative bucket count', `${SESSIONS_STATUS}${HEADER_LINE}Inactive for [<1] minutes: [-1] sessions\n`],
    [
      'an unknown bucket label',
      `${SESSIONS_STATUS}${HEADER_LINE}Inactive for [soon] minutes: [1] sessions\n`,
    ],
    ['a truncated bucket line', `${SESSIONS_STATUS}${HEADER_LINE}Inactive for [<1] minu`],
    ['a truncated header', `${SESSIONS_STATUS}Default maximum session inac`],
    ['3 MB of garbage', `${SESSIONS_STATUS}${HEADER_LINE}${GARBAGE}`],
  ])('sessions: %s', (_name, text) => {
    errorOf(() => parseSessions(text), ErrorCode.protocol);
  });
});

const isCount = (n: number) => !Number.isNaN(n) && n >= 0;

describe('parseSessions on arbitrary text', () => {
  it('parseSessions returns a consistent histogram or a typed error', () => {
    let parsed = 0;
    const text = fc.oneof(anyAnswer, { weight: 3, arbitrary: sessionsAnswer });
    const property = fc.property(text, fc.constantFrom('sessions', 'expire'), (answer, command) => {
      const info = valueOrTypedError(() => parseSessions(answer, command), PARSER_CODES);
      if (info === undefined) return;
      if (info.buckets.length > 0) parsed += 1;
      expect(Number.isNaN(info.defaultMaxInactiveMinutes)).toBe(false);
      for (const bucket of info.buckets) {
        expect(isCount(bucket.count) && isCount(bucket.fromMinutes)).toBe(true);
        expect(bucket.toMinutes === null || isCount(bucket.toMinutes)).toBe(true);
      }
      expect(info.total).toBe(info.buckets.reduce((sum, bucket) => sum + bucket.count, 0));
      if (info.expired !== undefined) expect(isCount(info.expired)).toBe(true);
    });
    assertReaching(property, () => parsed);
  });
});

describe('Tomcat 9.0.70: sessions and expire', () => {
  it('parses no sessions, one, and two in one bucket', () => {
    expect(parseSessions(tomcat9('sessions-none.txt'))).toEqual(NONE);
    expect(parseSessions(tomcat9('sessions-one.txt'))).toEqual(ONE);
    expect(parseSessions(tomcat9('sessions-two.txt'))).toEqual({
      defaultMaxInactiveMinutes: 30,
      buckets: [{ label: '<1', fromMinutes: 0, toMinutes: 1, count: 2 }],
      total: 2,
    });
  });

  it('parses several buckets, and the expired count of expire?idle=0', () => {
    expect(parseSessions(tomcat9('sessions-several-buckets.txt'))).toEqual(SEVERAL);
    expect(parseSessions(tomcat9('expire-idle0.txt'), 'expire')).toEqual({ ...SEVERAL, expired: 6 });
  });

  it.each(['sessions-after-reload.txt', 'sessions-after-restart.txt'])(
    '%s: the 2 sessions of /app##002 survive a reload and a restart (SESSIONS.ser)',
    (name) => {
      expect(parseSessions(tomcat9(name))).toEqual({
        defaultMaxInactiveMinutes: 30,
        buckets: [{ label: '2 - <3', fromMinutes: 2, toMinutes: 3, count: 2 }],
        total: 2,
      });
    },
  );

  it('throws E_TOMCAT_FAIL for sessions without the version of a versioned app', () => {
    expect(() => parseSessions(tomcat9('sessions-no-version-fail.txt'))).toThrow(
      expect.objectContaining({ code: ErrorCode.tomcatFail, kind: 'no-context' }),
    );
  });
});
