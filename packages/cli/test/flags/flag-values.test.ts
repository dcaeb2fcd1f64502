import { describe, expect, it } from 'vitest';
import { ErrorCode, type TomcatPdError } from '@tomcat-pd/core';
import {
  collectPaths,
  formatDuration,
  parseDuration,
  parseErrorRate,
  parseRolloutSteps,
  parseStatusRange,
  parseWholeNumber,
} from '../../src/flags/flag-values.js';

function thrown(fn: () => unknown): TomcatPdError {
  try {
    fn();
  } catch (error) {
    return error as TomcatPdError;
  }
  throw new Error('expected a throw');
}

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['0', 0],
    ['10', 10_000],
    ['1.5', 1_500],
    [' 2s ', 2_000],
  ])('%j → %i ms', (text, expected) => {
    expect(parseDuration(text, '--grace')).toBe(expected);
  });

  // An empty value (`--grace ""`, an unset shell variable) is bad usage like any other: exit 2,
  // with the option named, not a crash of the `ms` package (which throws on "").
  it.each(['abc', '-5s', '5 parsecs', '', '   ', 'Infinity', '1e3'])(
    'refuses %j as a usage error naming the option',
    (text) => {
      const error = thrown(() => parseDuration(text, '--grace'));
      expect(error.code).toBe(ErrorCode.usage);
      expect(error.message).toContain('--grace');
      expect(error.message).toMatch(/30s, 5m or 1h/);
    },
  );
});

describe('parseWholeNumber', () => {
  it.each([
    ['0', 0],
    ['3', 3],
    [' 12 ', 12],
  ])('%j → %i', (text, expected) => {
    expect(parseWholeNumber(text, '--keep')).toBe(expected);
  });

  it.each(['-1', '1.5', 'two', '', '0x10', '1e2'])('refuses %j', (text) => {
    const error = thrown(() => parseWholeNumber(text, '--keep'));
    expect(error.code).toBe(ErrorCode.usage);
    expect(error.message).toContain('--keep');
    expect(error.message).toContain(`"${text}"`);
  });

  it('enforces a minimum and says so', () => {
    expect(parseWholeNumber('1', '--width', 1)).toBe(1);
    const error = thrown(() => parseWholeNumber('0', '--width', 1));
    expect(error.code).toBe(ErrorCode.usage);
    expect(error.message).toMatch(/at least 1/);
  });
});

describe('formatDuration', () => {
  it.each([
    [30_000, '30s'],
    [60_000, '1m'],
    [600_000, '10m'],
    [1_800_000, '30m'],
    [3_600_000, '1h'],
  ])('%i ms → %j, which parseDuration reads back', (milliseconds, text) => {
    expect(formatDuration(milliseconds)).toBe(text);
    expect(parseDuration(text, '--x')).toBe(milliseconds);
  });
});

describe('parseStatusRange', () => {
  it.each([
    ['200', { min: 200, max: 200 }],
    ['200-399', { min: 200, max: 399 }],
    [' 204 - 204 ', { min: 204, max: 204 }],
  ])('%j → %j', (text, range) => {
    expect(parseStatusRange(text)).toEqual(range);
  });

  it.each(['', '2xx', '399-200', '99', '200-600', 'ok'])('refuses %j', (text) => {
    expect(thrown(() => parseStatusRange(text)).code).toBe(ErrorCode.usage);
  });
});

describe('parseErrorRate', () => {
  it('reads an error rate written 5 or 5%, and refuses what is none', () => {
    expect(parseErrorRate('5')).toBe(0.05);
    expect(parseErrorRate('2.5%')).toBe(0.025);
    expect(parseErrorRate(' 0 % ')).toBe(0);
    for (const bad of ['abc', '150', '-1', '5%%', '']) {
      expect(thrown(() => parseErrorRate(bad)).code, bad).toBe(ErrorCode.usage);
    }
  });
});

describe('parseRolloutSteps', () => {
  it('reads counts and shares', () => {
    expect(parseRolloutSteps('1, 25%,100%')).toEqual([{ count: 1 }, { percent: 25 }, { percent: 100 }]);
    for (const bad of ['0', '1,,100%', '150%', 'all', '-1', '1.5']) {
      expect(thrown(() => parseRolloutSteps(bad)).code, bad).toBe(ErrorCode.usage);
    }
  });

  it('reads a manual pause and a timed one, whose duration the other flags share', () => {
    expect(parseRolloutSteps('1,pause,pause:10m,pause:90s, 100%')).toEqual([
      { count: 1 },
      { pause: 'manual' },
      { pause: 'timed', ms: 600_000 },
      { pause: 'timed', ms: 90_000 },
      { percent: 100 },
    ]);
    for (const bad of ['1,pause:,100%', '1,pause:soon,100%', '1,paused,100%', '1,pause 5m,100%']) {
      expect(thrown(() => parseRolloutSteps(bad)).code, bad).toBe(ErrorCode.usage);
    }
    expect(thrown(() => parseRolloutSteps('1,pause:soon,100%')).message).toMatch(
      /A pause in --steps takes a duration/,
    );
  });
});

describe('collectPaths', () => {
  it('takes repeated and comma-separated values', () => {
    expect(collectPaths('/ready', collectPaths('/health'))).toEqual(['/health', '/ready']);
    expect(collectPaths('/health, /ready')).toEqual(['/health', '/ready']);
  });
});
