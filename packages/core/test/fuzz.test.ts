/**
 * Property tests: the validators and the parsers of Manager answers, fed arbitrary text and text
 * built from Manager-like fragments, either return well-formed data or throw a TomcatPdError with
 * one of the documented codes; never a TypeError, RangeError or URIError. 15 properties of
 * {@link RUNS} runs each (about 2 s in all).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { baseName, validateContextPath } from '../src/versions/context-name.js';
import { ErrorCode } from '../src/errors/error-codes.js';
import { isTomcatPdError } from '../src/errors/tomcat-pd-error.js';
import { TomcatFailError } from '../src/manager/parse/tomcat-fail.js';
import { buildCommandUrl, contextParams, type ManagerCommand } from '../src/manager/manager-request.js';
import { normalizeManagerUrl } from '../src/manager/manager-url.js';
import { parseList } from '../src/manager/parse/parse-list.js';
import { expectOk, parseAnswer } from '../src/manager/parse/parse-response.js';
import { parseServerInfo } from '../src/manager/parse/parse-serverinfo.js';
import { parseSessions } from '../src/manager/parse/parse-sessions.js';
import { encodeSemver } from '../src/versions/semver-version.js';
import type { ContextEntry } from '../src/manager/parse/types.js';
import { compareVersions } from '../src/versions/version-order.js';
import {
  checkOrdering,
  isValidVersion,
  MAX_VERSION_LENGTH,
  nextCounterVersion,
  validateVersion,
  VERSION_PATTERN,
} from '../src/versions/version-rules.js';
import {
  anyAnswer,
  joined,
  listAnswer,
  serverInfoAnswer,
  sessionsAnswer,
} from './helpers/manager-arbitraries.js';

const RUNS = 3000;
const { notManager, protocol, tomcatFail, usage } = ErrorCode;
const PARSER_CODES = [notManager, protocol, tomcatFail];

/** `fn()`'s value, or `undefined` if it threw a TomcatPdError with one of `codes`; anything else fails. */
function valueOrTypedError<T>(fn: () => T, codes: readonly ErrorCode[]): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (!isTomcatPdError(error)) throw new Error(`untyped error: ${String(error)}`, { cause: error });
    expect(codes).toContain(error.code);
    return undefined;
  }
}

/** Asserts `property` for {@link RUNS} runs and that `reached()` (a count of successful parses) is not rare. */
function assertReaching<Ts>(property: fc.IProperty<Ts>, reached: () => number): void {
  fc.assert(property, { numRuns: RUNS });
  // The generators must reach the success path too, not only the errors (about 1 run in 8 does).
  expect(reached()).toBeGreaterThan(RUNS / 20);
}

const isCount = (n: number) => !Number.isNaN(n) && n >= 0;

describe('parsers of Manager answers, on arbitrary text', () => {
  it('parseAnswer returns the split answer or throws E_NOT_MANAGER', () => {
    fc.assert(
      fc.property(anyAnswer, (text) => {
        const answer = valueOrTypedError(() => parseAnswer(text, 'list'), [notManager]);
        if (answer === undefined) return;
        const first = text.split(/\r?\n/)[0] ?? '';
        expect(answer.ok).toBe(first.startsWith('OK - '));
        expect(answer.ok || first.startsWith('FAIL - ')).toBe(true);
        expect(typeof answer.message).toBe('string');
        for (const bodyLine of answer.body) expect(bodyLine).not.toContain('\n');
      }),
      { numRuns: RUNS },
    );
  });

  it('expectOk returns an OK answer or throws E_NOT_MANAGER / E_TOMCAT_FAIL (a TomcatFailError)', () => {
    fc.assert(
      fc.property(anyAnswer, (text) => {
        let failure: unknown;
        const answer = valueOrTypedError(() => {
          try {
            return expectOk(text, 'stop');
          } catch (error) {
            failure = error;
            throw error;
          }
        }, [notManager, tomcatFail]);
        if (answer !== undefined) expect(answer.ok).toBe(true);
        else if ((failure as { code: string }).code === tomcatFail)
          expect(failure).toBeInstanceOf(TomcatFailError);
      }),
      { numRuns: RUNS },
    );
  });

  it('parseList returns well-formed entries or a typed error', () => {
    let parsed = 0;
    const property = fc.property(fc.oneof(anyAnswer, { weight: 3, arbitrary: listAnswer }), (text) => {
      const entries = valueOrTypedError(() => parseList(text), PARSER_CODES) ?? [];
      if (entries.length > 0) parsed += 1;
      for (const entry of entries) {
        expect(entry.path.startsWith('/')).toBe(true);
        expect(['running', 'stopped']).toContain(entry.state);
        expect(Number.isSafeInteger(entry.sessions) && entry.sessions >= 0).toBe(true);
        expect(entry.name).not.toBe('');
        expect(typeof entry.version).toBe('string');
      }
    });
    assertReaching(property, () => parsed);
  });

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

  it('parseServerInfo returns string fields with the Tomcat version or a typed error', () => {
    let parsed = 0;
    const property = fc.property(fc.oneof(anyAnswer, { weight: 3, arbitrary: serverInfoAnswer }), (text) => {
      const info = valueOrTypedError(() => parseServerInfo(text), PARSER_CODES);
      if (info === undefined) return;
      parsed += 1;
      expect(info.fields['Tomcat Version']).toBe(info.tomcatVersion);
      for (const value of Object.values(info.fields)) expect(typeof value).toBe('string');
    });
    assertReaching(property, () => parsed);
  });
});

// `:` is allowed in a path, but a path holding `:running:1:` cannot be told apart from the fields
// (its docBase holds it too), so these segments never spell a state word.
const segment = fc
  .string({ unit: fc.constantFrom(...'abcxyz019-_.é:'), minLength: 1, maxLength: 6 })
  .filter((s) => s !== '.' && s !== '..');
const contextPath = fc.oneof(
  fc.constant('/'),
  fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => `/${segments.join('/')}`),
);
const validVersion = fc.string({ unit: fc.constantFrom(...'09azAZ._-'), minLength: 1, maxLength: 12 });
const listEntry = fc
  .tuple(
    contextPath,
    fc.oneof(fc.constant(''), validVersion),
    fc.constantFrom('running' as const, 'stopped' as const),
    fc.maxSafeNat(),
    fc.constantFrom('expanded', 'war', 'windows', 'absolute'),
  )
  // A directory named `app##1.war` reads as version `1`, as Tomcat's ContextName reads it.
  .filter(([, version, , , form]) => form !== 'expanded' || !/\.(war|xml)$/i.test(version))
  .map(([path, version, state, sessions, form]): ContextEntry => {
    const base = baseName(path, version);
    const name = {
      expanded: base,
      war: `${base}.war`,
      windows: `C:\\Program Files\\Tomcat\\webapps\\${base}`,
      absolute: `/var/lib/tomcat10/webapps/${base}.war`,
    }[form];
    return { path, version, state, sessions, name };
  });

describe('parseList(render(entries))', () => {
  it("gives back the entries rendered in Tomcat's format, with \\n or \\r\\n", () => {
    fc.assert(
      fc.property(fc.array(listEntry, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), (entries, eol) => {
        const lines = entries.map((e) => `${e.path}:${e.state}:${e.sessions}:${e.name}${eol}`);
        const text = `OK - Listed applications for virtual host [localhost]${eol}${lines.join('')}`;
        expect(parseList(text)).toEqual(entries);
      }),
      { numRuns: RUNS },
    );
  });
});

// prettier-ignore
const EVIL = [
  '/', '//', '.', '..', '#', '##', '\\', '?', '%', ';', '&', '=', '+', ' ', '\t', '\n', '\0', '\u007f',
  '\u2028', '\u200b', '\uFEFF', 'é', '😀', '\uD800', '\uDC00', '@', ':', 'ROOT', "'", '<', '~',
];
const evil = fc.constantFrom(...EVIL);
const pathish = joined(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('/', 'shop', 'a', 'ROOT', 'x-1_2.3') },
    evil,
    fc.string({ unit: 'binary', maxLength: 2 }),
  ),
  8,
);
// Mostly characters a path may hold, among them those a query string gives a meaning to.
const pathChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(..."aZ09-_.~!$&'()*+,=:@[]é", '😀', '中') },
  evil,
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const pathLike = fc
  .array(fc.string({ unit: pathChar, minLength: 1, maxLength: 6 }), { maxLength: 3 })
  .map((segments) => `/${segments.join('/')}`);
const versionish = fc.oneof(
  validVersion,
  fc.string({ unit: fc.constantFrom('0', '9', 'a', '.', '-', '_'), minLength: 95, maxLength: 105 }),
  joined(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('0', '1', 'r', '.', '-', '_') }, evil), 8),
  fc.string({ unit: 'binary' }),
);

describe('validateContextPath and validateVersion', () => {
  it('a path either passes with the documented invariants or is refused with E_USAGE', () => {
    fc.assert(
      fc.property(fc.oneof(pathish, pathLike, fc.string(), fc.string({ unit: 'binary' })), (candidate) => {
        const path = valueOrTypedError(() => validateContextPath(candidate), [usage]);
        if (path === undefined) return;
        expect(path === candidate || (candidate === '/ROOT' && path === '/')).toBe(true);
        expect(path.startsWith('/')).toBe(true);
        expect(path).not.toContain('#');
        expect(path).not.toContain('//');
        expect(path.split('/')).not.toContain('..');
      }),
      { numRuns: RUNS },
    );
  });

  it('a version either passes (A-Z a-z 0-9 . _ -, at most 100) or is refused with E_USAGE', () => {
    fc.assert(
      fc.property(versionish, (candidate) => {
        const version = valueOrTypedError(() => validateVersion(candidate), [usage]);
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

const TEXT_BASE = normalizeManagerUrl('http://localhost:8080/manager');
// prettier-ignore
const COMMANDS: ManagerCommand[] = ['deploy', 'undeploy', 'start', 'stop', 'reload', 'sessions', 'expire', 'list'];

describe('buildCommandUrl', () => {
  it('sends a validated path and version so that the query decodes back to exactly them', () => {
    let sent = 0;
    const version = fc.oneof(fc.constant(''), validVersion, versionish);
    const property = fc.property(pathLike, version, fc.constantFrom(...COMMANDS), (p, v, command) => {
      const path = valueOrTypedError(() => validateContextPath(p), [usage]);
      const checked = v === '' ? '' : valueOrTypedError(() => validateVersion(v), [usage]);
      if (path === undefined || checked === undefined) return;
      const url = new URL(buildCommandUrl(TEXT_BASE, command, contextParams(path, checked)).href);
      expect([...url.searchParams]).toEqual([
        ['path', path],
        ...(checked === '' ? [] : [['version', checked]]),
      ]);
      expect(url.pathname).toBe(`/manager/text/${command}`);
      expect(url.hash).toBe('');
      sent += 1;
    });
    assertReaching(property, () => sent);
  });

  it('with any parameters, sends exactly them (never idle for sessions) or refuses with E_USAGE', () => {
    const key = fc.oneof(fc.constantFrom('path', 'version', 'idle', 'update', 'tag'), fc.string(), pathish);
    const value = fc.option(fc.oneof(pathish, fc.string({ unit: 'binary' })), { nil: undefined });
    const params = fc
      .array(fc.tuple(key, value), { maxLength: 4 })
      .map((entries) => Object.fromEntries(entries));
    fc.assert(
      fc.property(params, fc.constantFrom(...COMMANDS), (given, command) => {
        const url = valueOrTypedError(() => buildCommandUrl(TEXT_BASE, command, given), [usage]);
        if (url === undefined) return;
        const sent = Object.entries(given).filter((entry) => entry[1] !== undefined);
        expect([...new URL(url.href).searchParams]).toEqual(sent);
        if (command === 'sessions') expect(url.searchParams.has('idle')).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});

// prettier-ignore
const URL_PARTS = [
  'http://', 'https://', 'ftp://', 'HTTP://', 'http:', '//', 'user', ':', 'pw', '@', '%40', 'localhost',
  '127.0.0.1', '[::1]', ':8080', ':99999', '/manager', '/text', '/', '?', '#', '\\', ' ', '\t', 'é',
  '\uD800', '%', '%2e%2e', '/..', 'xn--', 'javascript:',
];

describe('normalizeManagerUrl', () => {
  it('returns a credential-free http(s) URL ending in /text/, or throws E_USAGE', () => {
    const urlish = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }),
      fc.webUrl({ withQueryParameters: true, withFragments: true }),
      joined(
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...URL_PARTS) }, fc.string({ maxLength: 3 })),
        10,
      ),
    );
    fc.assert(
      fc.property(urlish, (base) => {
        const url = valueOrTypedError(() => normalizeManagerUrl(base), [usage]);
        if (url === undefined) return;
        const reparsed = new URL(url.href);
        expect(['http:', 'https:']).toContain(reparsed.protocol);
        expect(reparsed.username + reparsed.password).toBe('');
        expect(reparsed.search + reparsed.hash).toBe('');
        expect(reparsed.pathname.endsWith('/text/')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a URL with a password without repeating the password', () => {
    // Without `/ ? #`: they end the authority, so `http://u:a/b@h` is refused as an invalid URL and echoed whole.
    const secret = fc.string({ unit: fc.constantFrom(...'s3cret:@!$&*é'), minLength: 1, maxLength: 8 });
    const rest = fc.constantFrom(
      'localhost:8080/manager',
      'exa mple.com',
      'h:99999',
      'h/m?x=1',
      'h/m#f',
      '[::1',
    );
    fc.assert(
      fc.property(secret, rest, (password, host) => {
        let error: unknown;
        try {
          normalizeManagerUrl(`http://deployer:S3CRET${password}@${host}`);
        } catch (caught) {
          error = caught;
        }
        expect(isTomcatPdError(error) && error.code === usage).toBe(true);
        expect(JSON.stringify(error)).not.toContain(`S3CRET${password}`);
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

describe('encodeSemver, nextCounterVersion and checkOrdering', () => {
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
        const encoded = valueOrTypedError(() => encodeSemver(candidate), [usage]);
        if (encoded !== undefined) expect(isValidVersion(encoded)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('nextCounterVersion on valid versions returns a valid version, or one checkOrdering refuses', () => {
    const width = fc.option(fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer(), fc.double()), {
      nil: undefined,
    });
    fc.assert(
      fc.property(fc.array(existingVersion, { maxLength: 8 }), width, (existing, w) => {
        const options = w === undefined ? {} : { width: w };
        const next = valueOrTypedError(() => nextCounterVersion(existing, options), [usage]);
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

describe('regressions found by these properties', () => {
  const usageErrorOf = (fn: () => unknown): Error => {
    try {
      fn();
    } catch (error) {
      expect(isTomcatPdError(error) && error.code === usage, String(error)).toBe(true);
      return error as Error;
    }
    throw new Error('expected E_USAGE');
  };

  // Was: validateContextPath('/\udc00') passed, then buildCommandUrl threw `URIError: URI malformed`.
  it.each(['/\udc00', '/shop\ud800', '/a/\ud83d'])('refuses the path %j (an unpaired surrogate)', (path) => {
    expect(usageErrorOf(() => validateContextPath(path)).message).toContain('unpaired UTF-16 surrogate');
  });

  it('keeps a surrogate pair (an emoji) in a path', () => {
    expect(validateContextPath('/😀')).toBe('/😀');
    expect(buildCommandUrl(TEXT_BASE, 'stop', { path: '/😀' }).searchParams.get('path')).toBe('/😀');
  });

  // Was: buildCommandUrl(base, 'deploy', { '': '\udc00' }) threw `URIError: URI malformed`.
  it.each([[{ '': '\udc00' }], [{ path: '/shop', tag: 'build\ud800' }], [{ path: '/shop', '\udc00': '1' }]])(
    'refuses to send %j, which cannot be percent-encoded',
    (params) => {
      expect(usageErrorOf(() => buildCommandUrl(TEXT_BASE, 'deploy', params)).message).toContain(
        'not valid Unicode',
      );
    },
  );
});
