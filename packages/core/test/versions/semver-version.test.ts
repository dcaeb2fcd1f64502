import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { isTomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { encodeSemver } from '../../src/versions/semver-version.js';
import { compareVersions } from '../../src/versions/version-order.js';
import { isValidVersion } from '../../src/versions/version-rules.js';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { RUNS, valueOrTypedError } from '../helpers/properties.js';

function expectUsageError(fn: () => unknown, message: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(isTomcatPdError(error) && error.code === 'E_USAGE').toBe(true);
    expect((error as Error).message).toMatch(message);
    return;
  }
  throw new Error('expected a usage error');
}

// Small domains, so that generated versions often share a core and a pre-release prefix.
const coreNumber = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 99_999 }));
const numericId = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.maxSafeNat()).map(String);
const alphanumericId = fc
  .string({ unit: fc.constantFrom('a', 'b', 'z', 'A', 'Z', '-', '0', '1', '9'), minLength: 1, maxLength: 5 })
  .filter((id) => !/^\d+$/.test(id));
const prerelease = fc.array(fc.oneof(numericId, alphanumericId), { maxLength: 4 });
const build = fc.option(fc.constantFrom('build.5', 'sha-5114f85', '001'), { nil: undefined });
type Parts = { core: number[]; pre: string[]; meta: string | undefined; v: boolean };
const parts = fc.record({
  core: fc.tuple(coreNumber, coreNumber, coreNumber),
  pre: prerelease,
  meta: build,
  v: fc.boolean(),
});
const format = ({ core, pre, meta, v }: Parts): string =>
  `${v ? 'v' : ''}${core.join('.')}` +
  (pre.length > 0 ? `-${pre.join('.')}` : '') +
  (meta === undefined ? '' : `+${meta}`);
// Pairs that often share the core, or the core and a pre-release prefix, so that the
// pre-release rules are exercised and not only the core numbers.
const semverPair = fc
  .tuple(parts, parts, fc.constantFrom('independent', 'same core', 'same prefix'))
  .map(([a, b, mode]) => {
    if (mode === 'independent') return [format(a), format(b)] as const;
    const pre =
      mode === 'same core'
        ? b.pre
        : [...a.pre.slice(0, b.pre.length % (a.pre.length + 1)), ...b.pre].slice(0, 4);
    return [format(a), format({ ...b, core: a.core, pre })] as const;
  });

describe('encodeSemver', () => {
  it('encodes into fixed-width strings that sort like semver', () => {
    expect(encodeSemver('1.10.0')).toBe('00001.00010.00000.r');
    expect(encodeSemver('1.9.0')).toBe('00001.00009.00000.r');
    expect(encodeSemver('2.0.0-rc.1')).toBe('00002.00000.00000-_rc-11');
    expect(encodeSemver('2.0.0-rc.10')).toBe('00002.00000.00000-_rc-210');
    expect(encodeSemver('v1.0.0-alpha-2.beta+exp.sha.5114f85')).toBe('00001.00000.00000-_alpha.2-_beta');
    expect(encodeSemver('1.0.0-9007199254740991')).toBe('00001.00000.00000-G9007199254740991');
    expect(compareVersions(encodeSemver('1.10.0'), encodeSemver('1.9.0'))).toBeGreaterThan(0);
  });

  it('keeps the precedence example of the semver specification', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1-0',
      '1.0.1',
    ];
    const encoded = ordered.map(encodeSemver);
    for (let i = 1; i < encoded.length; i++)
      expect(compareVersions(encoded[i - 1] ?? '', encoded[i] ?? '')).toBeLessThan(0);
  });

  it('handles identifiers that are prefixes of one another or contain -', () => {
    const ordered = [
      '1.0.0-a',
      '1.0.0-a.0',
      '1.0.0-a.b',
      '1.0.0-a-',
      '1.0.0-a-b',
      '1.0.0-a0',
      '1.0.0-aa',
      '1.0.0-b',
    ];
    for (let i = 1; i < ordered.length; i++) {
      expect(semver.compare(ordered[i - 1] ?? '', ordered[i] ?? '')).toBe(-1);
      expect(
        compareVersions(encodeSemver(ordered[i - 1] ?? ''), encodeSemver(ordered[i] ?? '')),
      ).toBeLessThan(0);
    }
  });

  it('refuses what is not a semantic version', () => {
    for (const bad of ['', '1.2', '01.2.3', '1.2.3.4', 'latest', '1.0.0-01', '1.0.0-', 'V1.0.0']) {
      expectUsageError(() => encodeSemver(bad), /not a valid semantic version/);
    }
  });

  it('refuses what it cannot encode faithfully', () => {
    expectUsageError(() => encodeSemver('100000.0.0'), /above 99999/);
    expectUsageError(() => encodeSemver('1.0.0-9007199254740992'), /cannot be ordered reliably/);
    expectUsageError(() => encodeSemver(`1.0.0-${'x'.repeat(82)}`), /too long/);
    expect(encodeSemver(`1.0.0-${'x'.repeat(81)}`)).toHaveLength(100);
  });

  it('orders every pair like semver.compare, with valid Tomcat versions', () => {
    fc.assert(
      fc.property(semverPair, ([a, b]) => {
        expect(semver.valid(a)).not.toBeNull();
        const [ea, eb] = [encodeSemver(a), encodeSemver(b)];
        expect(isValidVersion(ea)).toBe(true);
        expect(Math.sign(compareVersions(ea, eb))).toBe(semver.compare(a, b));
      }),
      { numRuns: 3000 },
    );
  });

  it('gives every release the same width, ignores a leading v and build metadata', () => {
    fc.assert(
      fc.property(coreNumber, coreNumber, coreNumber, build, (major, minor, patch, meta) => {
        const release = `${major}.${minor}.${patch}`;
        const encoded = encodeSemver(release);
        expect(encoded).toMatch(/^\d{5}\.\d{5}\.\d{5}\.r$/);
        expect(encodeSemver(`v${release}`)).toBe(encoded);
        expect(encodeSemver(`${release}+${meta ?? 'x'}`)).toBe(encoded);
        expect(compareVersions(encodeSemver(`${release}-0`), encoded)).toBeLessThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('encodeSemver on arbitrary text', () => {
  it('encodeSemver returns a valid version or throws E_USAGE', () => {
    const core = fc.constantFrom(
      '0',
      '1',
      '01',
      '99999',
      '100000',
      '9007199254740991',
      '9007199254740992',
      '',
      'x',
    );
    const id = fc.oneof(
      core,
      fc.string({ unit: fc.constantFrom('a', 'Z', '-', '0', '9', '.', '+', '_'), maxLength: 8 }),
    );
    const semverish = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc
        .tuple(
          fc.constantFrom('', 'v', '=', ' ', 'V'),
          core,
          core,
          core,
          fc.array(id, { maxLength: 30 }),
          fc.option(id),
        )
        .map(([lead, major, minor, patch, pre, build]) => {
          const release = pre.length > 0 ? `-${pre.join('.')}` : '';
          return `${lead}${major}.${minor}.${patch}${release}${build === null ? '' : `+${build}`}`;
        }),
    );
    fc.assert(
      fc.property(semverish, (candidate) => {
        const encoded = valueOrTypedError(() => encodeSemver(candidate), [ErrorCode.usage]);
        if (encoded !== undefined) expect(isValidVersion(encoded)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
