import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderHint } from '../../src/errors/hints.js';
import { compareVersions } from '../../src/versions/version-order.js';
import {
  checkOrdering,
  isValidVersion,
  MAX_VERSION_LENGTH,
  nextCounterVersion,
  validateVersion,
  VERSION_PATTERN,
} from '../../src/versions/version-rules.js';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { versionish } from '../helpers/name-arbitraries.js';
import { RUNS, usageErrorOf, valueOrTypedError } from '../helpers/properties.js';

type State = 'running' | 'stopped';
type Entry = { version: string; state: State };
const running = (...versions: string[]): Entry[] =>
  versions.map((version) => ({ version, state: 'running' }));
const stopped = (...versions: string[]): Entry[] =>
  versions.map((version) => ({ version, state: 'stopped' }));

const allowedChar = fc.constantFrom(...'AZaz09._-'.split(''), 'm', '5', 'Q');
const refusedChar = fc.constantFrom('/', '\\', '#', ' ', '+', ':', '~', 'é', '😀', '\u0000', '\n');
const validVersion = fc.string({ unit: allowedChar, minLength: 1, maxLength: 12 });

describe('isValidVersion and validateVersion', () => {
  it('accepts A-Z a-z 0-9 . _ - up to 100 characters', () => {
    for (const v of ['001', 'r0001', '1.2.3-rc.1', 'build_41', 'x'.repeat(MAX_VERSION_LENGTH)]) {
      expect(isValidVersion(v)).toBe(true);
      expect(validateVersion(v)).toBe(v);
    }
    expect(VERSION_PATTERN.source).toBe('^[A-Za-z0-9._-]+$');
  });

  it('refuses the characters that break Tomcat, naming them and the allowed set', () => {
    for (const [v, named] of [
      ['a/b', '"/"'],
      ['x#y', '"#"'],
      ['a b', 'a space'],
      ['1.0+b', '"+"'],
      ['é', '"é"'],
      ['a\\b', '"\\\\"'],
    ]) {
      expect(isValidVersion(v ?? '')).toBe(false);
      const error = usageErrorOf(() => validateVersion(v ?? ''));
      expect(error.message).toContain(named);
      expect(error.message).toContain('A-Z a-z 0-9 . _ -');
    }
    expect(usageErrorOf(() => validateVersion('a/b c+d#')).message).toContain('"/", a space, "+" and "#"');
  });

  it('refuses empty and over-long versions', () => {
    expect(isValidVersion('')).toBe(false);
    expect(usageErrorOf(() => validateVersion('')).message).toMatch(/empty/);
    const long = '1'.repeat(MAX_VERSION_LENGTH + 1);
    expect(isValidVersion(long)).toBe(false);
    expect(usageErrorOf(() => validateVersion(long)).message).toContain('101 characters');
  });

  it('agrees with the pattern on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          validVersion,
          fc.string({ unit: fc.oneof(allowedChar, refusedChar), maxLength: 6 }),
          fc.string({ maxLength: 6 }),
        ),
        (v) => {
          const valid = /^[A-Za-z0-9._-]{1,100}$/.test(v);
          expect(isValidVersion(v)).toBe(valid);
          if (valid) expect(validateVersion(v)).toBe(v);
          else usageErrorOf(() => validateVersion(v));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('nextCounterVersion', () => {
  it('continues the counter in use, keeping its width', () => {
    expect(nextCounterVersion(['009'])).toBe('010');
    expect(nextCounterVersion(['099', '098'])).toBe('100');
    expect(nextCounterVersion(['999'])).toBe('1000'); // overflow: checkOrdering refuses it
    expect(nextCounterVersion(['001', '002', '1.2.3', ''])).toBe('003');
    expect(nextCounterVersion(['00041'], { width: 3 })).toBe('00042'); // the width in use wins
    expect(nextCounterVersion(['999', 'r0001'])).toBe('r0002');
    expect(nextCounterVersion(['build-41', 'build-40'])).toBe('build-42');
  });

  it('starts at 1 padded to the width', () => {
    expect(nextCounterVersion([])).toBe('001');
    expect(nextCounterVersion(['', 'hotfix', '1.2.3'])).toBe('001');
    expect(nextCounterVersion([], { width: 1 })).toBe('1');
    expect(nextCounterVersion([], { width: 20 })).toBe('00000000000000000001');
    for (const width of [0, 21, 2.5, Number.NaN, -3]) {
      expect(usageErrorOf(() => nextCounterVersion([], { width })).message).toMatch(/1 to 20/);
    }
  });

  it('keeps precision for long counters', () => {
    expect(nextCounterVersion(['9007199254740993'])).toBe('9007199254740994');
    expect(nextCounterVersion(['20250101120000999999'])).toBe('20250101120001000000');
  });

  it('sorts above every counter of its prefix and width, keeping the width unless it overflows', () => {
    const prefix = fc.string({ unit: fc.constantFrom('r', 'Z', '.', '_', '-', 'v'), maxLength: 3 });
    fc.assert(
      fc.property(
        prefix,
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
        (p, w, ns) => {
          const existing = ns.map((n) => p + String(n % 10 ** w).padStart(w, '0'));
          const next = nextCounterVersion(existing, { width: 3 });
          const max = Math.max(...ns.map((n) => n % 10 ** w));
          expect(next).toBe(p + String(max + 1).padStart(w, '0'));
          if (max + 1 < 10 ** w) {
            expect(next).toHaveLength(p.length + w);
            for (const v of existing) expect(compareVersions(next, v)).toBeGreaterThan(0);
            expect(checkOrdering(next, running(...existing)).ok).toBe(true);
          } else {
            expect(next).toHaveLength(p.length + w + 1);
            expect(checkOrdering(next, running(...existing)).ok).toBe(false);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('checkOrdering', () => {
  it('lets a version through that sorts above everything', () => {
    expect(checkOrdering('010', [...running('009'), ...stopped('008')])).toEqual({ ok: true });
    expect(checkOrdering('001', [])).toEqual({ ok: true });
    expect(checkOrdering('001', running(''))).toEqual({ ok: true });
  });

  it('refuses 1000 after 999 and proposes a prefixed counter that really works', () => {
    const existing = running('998', '999');
    const verdict = checkOrdering(nextCounterVersion(['998', '999']), existing);
    expect(verdict).toMatchObject({
      ok: false,
      blocker: { version: '999', state: 'running' },
      reason: 'Tomcat compares versions as strings, so 1000 sorts below 999: new visitors would stay on 999.',
    });
    // The hint names the library's options (the CLI words them as --version r0001, --width 5).
    expect(verdict.ok || renderHint(verdict.hint)).toBe(
      'The 3-digit counter has run out of digits. Switch to a prefixed counter, which sorts above every all-digit ' +
        "version because letters sort above digits: deploy with version: 'r0001'; later automatic versions continue " +
        'r0002, r0003. For new apps, choose a wider counter from the start (width: 5).',
    );
    // Follow the plan: r0001 is live, and the automatic counter continues above it.
    expect(checkOrdering('r0001', existing)).toEqual({ ok: true });
    const after = [...existing, ...running('r0001')];
    expect(nextCounterVersion(after.map((e) => e.version))).toBe('r0002');
    expect(checkOrdering('r0002', after)).toEqual({ ok: true });
  });

  it('suggests r0001, which sorts above any all-digit version', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{1,30}$/), (digits) => {
        expect(compareVersions('r0001', digits)).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });

  it('mentions a stopped version that a restart would bring back', () => {
    const existing = [...running('007'), ...stopped('009')];
    const verdict = checkOrdering('008', existing, { path: '/shop' });
    expect(verdict).toMatchObject({
      ok: false,
      blocker: { version: '009', state: 'stopped' },
      reason:
        'The stopped version 009 sorts above 008; a Tomcat restart would start it again and it would take new visitors.',
    });
    expect(verdict.ok || verdict.hint).toContainEqual({ undeploy: { path: '/shop', version: '009' } });
    expect(verdict.ok || renderHint(verdict.hint)).toContain(
      "undeployVersion(client, { path: '/shop', version: '009' })",
    );
    const overflow = checkOrdering('1000', [...running('998'), ...stopped('999')]);
    expect(overflow.ok || overflow.reason).toContain(
      '999 is stopped, but a Tomcat restart would start it again',
    );
  });

  it('explains an explicit lower version and points at the next counter', () => {
    const verdict = checkOrdering('005', running('007', '006'));
    expect(verdict).toMatchObject({
      ok: false,
      blocker: { version: '007', state: 'running' },
      reason: 'Version 005 sorts below the running version 007, so it would not be live.',
    });
    expect(verdict.ok || renderHint(verdict.hint)).toBe(
      'Choose a version above 007 with the version option, or leave out the version option to get the next counter, 008.',
    );
  });

  it('allows an in-place update only when nothing sorts above it', () => {
    expect(checkOrdering('007', running('006', '007'), { update: true })).toEqual({ ok: true });
    const refused = checkOrdering('007', running('007'));
    expect(refused).toMatchObject({ ok: false, blocker: { version: '007', state: 'running' } });
    expect(refused.ok || refused.reason).toMatch(/already exists/);
    expect(checkOrdering('007', [...running('007'), ...stopped('008')], { update: true })).toMatchObject({
      ok: false,
      blocker: { version: '008', state: 'stopped' },
    });
  });

  it('prefers a running blocker on a tie and returns a plain blocker', () => {
    // Entries as the Manager's list gives them, with more fields than checkOrdering needs.
    const listed = [
      { version: '009', state: 'stopped' as const, sessions: 0, name: 'app##009' },
      { version: '009', state: 'running' as const, sessions: 2, name: 'app##009' },
    ];
    const verdict = checkOrdering('008', listed);
    expect(verdict).toMatchObject({ blocker: { version: '009', state: 'running' } });
    expect(verdict.ok || Object.keys(verdict.blocker)).toEqual(['version', 'state']);
  });

  it('decides exactly by the ordering invariant, blames the greatest version and suggests one that works', () => {
    const entry = fc.record({
      version: fc.oneof(validVersion, fc.constant('')),
      state: fc.constantFrom<State>('running', 'stopped'),
    });
    fc.assert(
      fc.property(
        validVersion,
        fc.array(entry, { maxLength: 6 }),
        fc.boolean(),
        (version, existing, update) => {
          const verdict = checkOrdering(version, existing, { update, path: '/app' });
          const above = existing.filter(
            (e) => compareVersions(e.version, version) > 0 || (!update && e.version === version),
          );
          expect(verdict.ok).toBe(above.length === 0);
          if (verdict.ok) return;
          for (const e of existing)
            expect(compareVersions(e.version, verdict.blocker.version)).toBeLessThanOrEqual(0);
          expect(verdict.reason.length).toBeGreaterThan(20);
          // Every version the hint proposes is valid and would be live.
          const proposed = [
            ...(renderHint(verdict.hint) ?? '').matchAll(
              /(?:e\.g\.|deploy with) version: '([^']+)'|next counter, (\S+)\.$/g,
            ),
          ];
          expect(proposed.length).toBeGreaterThan(0);
          for (const match of proposed) {
            const suggestion = match[1] ?? match[2] ?? '';
            expect(isValidVersion(suggestion)).toBe(true);
            expect(checkOrdering(suggestion, existing).ok).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('validateVersion on arbitrary text', () => {
  it('a version either passes (A-Z a-z 0-9 . _ -, at most 100) or is refused with E_USAGE', () => {
    fc.assert(
      fc.property(versionish, (candidate) => {
        const version = valueOrTypedError(() => validateVersion(candidate), [ErrorCode.usage]);
        expect(version !== undefined).toBe(isValidVersion(candidate));
        if (version === undefined) return;
        expect(version).toBe(candidate);
        expect(version).toMatch(/^[A-Za-z0-9._-]+$/);
        expect(version.length).toBeLessThanOrEqual(MAX_VERSION_LENGTH);
      }),
      { numRuns: RUNS },
    );
  });
});

const counter = fc
  .tuple(
    fc.constantFrom('', 'r', 'build-', 'a.b_', 'z'),
    fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 100 }),
  )
  .map(([prefix, digits]) => prefix + digits)
  .filter(isValidVersion);
const existingVersion = fc.oneof(
  validVersion,
  counter,
  fc.constantFrom('9'.repeat(100), `r${'9'.repeat(99)}`, '999'),
);

describe('nextCounterVersion and checkOrdering on arbitrary versions', () => {
  it('nextCounterVersion on valid versions returns a valid version, or one checkOrdering refuses', () => {
    const width = fc.option(fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer(), fc.double()), {
      nil: undefined,
    });
    fc.assert(
      fc.property(fc.array(existingVersion, { maxLength: 8 }), width, (existing, w) => {
        const options = w === undefined ? {} : { width: w };
        const next = valueOrTypedError(() => nextCounterVersion(existing, options), [ErrorCode.usage]);
        if (next === undefined) return;
        expect(next).toMatch(VERSION_PATTERN);
        // `9` x 100 → `1` + `0` x 100: one character too long, but it sorts below, so it is never deployed.
        if (next.length > MAX_VERSION_LENGTH) {
          expect(
            checkOrdering(
              next,
              existing.map((version) => ({ version, state: 'running' })),
            ).ok,
          ).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('checkOrdering never throws on a valid version, and goes ahead exactly when it sorts highest', () => {
    const existing = fc.array(
      fc.record({
        // Versions read from `list` may be anything a docBase holds (`x#y`, `1##2`, `''`).
        version: fc.oneof(
          existingVersion,
          fc.constantFrom('', 'x#y', '1##2', 'é'),
          fc.string({ maxLength: 4 }),
        ),
        state: fc.constantFrom('running' as const, 'stopped' as const),
      }),
      { maxLength: 6 },
    );
    const options = fc.record(
      { update: fc.boolean(), path: fc.string({ maxLength: 6 }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(existingVersion, existing, options, (version, entries, opts) => {
        const verdict = checkOrdering(version, entries, opts);
        const allowed = entries.every((e) => {
          const order = compareVersions(e.version, version);
          return order < 0 || (order === 0 && opts.update === true);
        });
        expect(verdict.ok).toBe(allowed);
        if (!verdict.ok) {
          expect(entries.map((e) => e.version)).toContain(verdict.blocker.version);
          expect(verdict.reason.length > 0 && verdict.hint.length > 0).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
