import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, greatestVersion, sortVersions } from '../../src/versions/version-order.js';

/** Java's String.compareTo, written out independently: UTF-16 code units, then length. */
function javaCompareTo(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const diff = a.charCodeAt(i) - b.charCodeAt(i);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

// Few distinct characters, so that generated strings often share prefixes; includes a non-BMP
// character (a surrogate pair), a lone surrogate and the highest BMP code unit.
const tricky = fc.string({
  unit: fc.constantFrom('0', '1', '9', 'A', 'Z', '_', 'a', 'z', '-', '.', ' ', 'é', '\uffff', '😀', '\ud800'),
  maxLength: 6,
});
const anyString = fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ maxLength: 8 }));

describe('compareVersions', () => {
  it('orders like Tomcat: as strings, not as numbers', () => {
    expect(compareVersions('10', '9')).toBeLessThan(0);
    expect(compareVersions('1000', '999')).toBeLessThan(0);
    expect(compareVersions('009', '010')).toBeLessThan(0);
    expect(compareVersions('007', '007')).toBe(0);
    // The observed order (docs/tomcat-manager.md#version-order).
    expect(sortVersions(['9', 'x#y', '10', '1.2.3-rc.1', 'a b', '11'])).toEqual([
      '1.2.3-rc.1',
      '10',
      '11',
      '9',
      'a b',
      'x#y',
    ]);
  });

  it('puts the unversioned context lowest', () => {
    for (const v of ['0', '-', '.', 'a', '\u0001']) expect(compareVersions('', v)).toBeLessThan(0);
    expect(compareVersions('', '')).toBe(0);
  });

  it('uses code units, not locale rules or code points', () => {
    expect(compareVersions('B', 'a')).toBeLessThan(0); // localeCompare says 'a' < 'B'
    expect(compareVersions('Z', '_')).toBeLessThan(0);
    expect(compareVersions('_', 'a')).toBeLessThan(0);
    expect(compareVersions('-', '.')).toBeLessThan(0);
    // U+1F600 is the pair D83D DE00, which sorts below U+FFFF in UTF-16 (above it by code point).
    expect(compareVersions('😀', '\uffff')).toBeLessThan(0);
  });

  it('agrees with Java compareTo on arbitrary strings', () => {
    fc.assert(
      fc.property(anyString, anyString, (a, b) => {
        expect(Math.sign(compareVersions(a, b))).toBe(Math.sign(javaCompareTo(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it('is reflexive, antisymmetric and transitive', () => {
    fc.assert(
      fc.property(anyString, anyString, anyString, (a, b, c) => {
        expect(compareVersions(a, a)).toBe(0);
        expect(Math.sign(compareVersions(a, b)) + Math.sign(compareVersions(b, a))).toBe(0);
        if (compareVersions(a, b) <= 0 && compareVersions(b, c) <= 0)
          expect(compareVersions(a, c)).toBeLessThanOrEqual(0);
        if (compareVersions(a, b) < 0 && compareVersions(b, c) < 0)
          expect(compareVersions(a, c)).toBeLessThan(0);
      }),
      { numRuns: 1500 },
    );
  });
});

describe('sortVersions', () => {
  it('returns a new ascending array with the same elements and leaves the input alone', () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 12 }), (versions) => {
        const before = [...versions];
        const sorted = sortVersions(versions);
        expect(versions).toEqual(before);
        expect(sorted).not.toBe(versions);
        expect([...sorted].sort()).toEqual([...versions].sort());
        for (let i = 1; i < sorted.length; i++) {
          expect(javaCompareTo(sorted[i - 1] ?? '', sorted[i] ?? '')).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 800 },
    );
  });
});

describe('greatestVersion', () => {
  it('is undefined for no versions', () => {
    expect(greatestVersion([])).toBeUndefined();
    expect(greatestVersion(new Set<string>())).toBeUndefined();
  });

  it('picks the version Tomcat would make live', () => {
    expect(greatestVersion(['999', '1000', '998'])).toBe('999');
    expect(greatestVersion(new Set(['', '001']))).toBe('001');
    expect(greatestVersion(['r0001', '999'])).toBe('r0001');
    function* generated(): Generator<string> {
      yield '010';
      yield '009';
    }
    expect(greatestVersion(generated())).toBe('010');
  });

  it('is the last element of the sorted versions, and no version sorts above it', () => {
    fc.assert(
      fc.property(fc.array(anyString, { minLength: 1, maxLength: 12 }), (versions) => {
        const greatest = greatestVersion(versions);
        expect(greatest).toBe(sortVersions(versions).at(-1));
        for (const v of versions) expect(javaCompareTo(v, greatest ?? '')).toBeLessThanOrEqual(0);
      }),
      { numRuns: 800 },
    );
  });
});
