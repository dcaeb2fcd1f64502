import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatFailError } from '../../../src/manager/parse/tomcat-fail.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { parseList, parseListLine } from '../../../src/manager/parse/parse-list.js';
import { mixedList, tomcat9 } from '../../helpers/recorded.js';
import type { ContextEntry } from '../../../src/manager/parse/types.js';
import { baseName } from '../../../src/versions/context-name.js';
import {
  errorOf,
  GARBAGE,
  itRefusesNonManagerAnswers,
  LIST_STATUS,
} from '../../helpers/malformed-answers.js';
import { anyAnswer, listAnswer } from '../../helpers/manager-arbitraries.js';
import { validVersion } from '../../helpers/name-arbitraries.js';
import { assertReaching, PARSER_CODES, RUNS, valueOrTypedError } from '../../helpers/properties.js';

// list-mixed.txt as recorded on Tomcat 10.1.60.
const MIXED = mixedList('/usr/share/tomcat10-admin/manager');

describe('parseList', () => {
  it('parses the recorded list of a Tomcat 10.1 with mixed versions', () => {
    expect(parseList(fixture('list-mixed.txt'))).toEqual(MIXED);
  });

  it('parses the same list with Windows line ends', () => {
    expect(parseList(fixture('list-crlf.txt'))).toEqual(MIXED);
  });

  it('returns no entries for a list with only the status line', () => {
    expect(parseList('OK - Listed applications for virtual host [localhost]\n')).toEqual([]);
  });

  it('throws E_TOMCAT_FAIL on a FAIL answer', () => {
    expect(() => parseList(fixture('unknown-command.txt'))).toThrow(TomcatFailError);
  });

  it.each(['http-401.html', 'http-404.html'])('throws E_NOT_MANAGER for %s', (name) => {
    expect(() => parseList(fixture(name))).toThrow(expect.objectContaining({ code: ErrorCode.notManager }));
  });

  it('throws E_PROTOCOL for a truncated last line, quoting it', () => {
    const truncated = fixture('list-mixed.txt').replace(/\/manager:running:0:.*\n$/, '/manager:runn');
    expect(() => parseList(truncated)).toThrow(expect.objectContaining({ code: ErrorCode.protocol }));
    expect(() => parseList(truncated)).toThrow('"/manager:runn"');
  });
});

describe('parseListLine', () => {
  it('keeps colons of a Windows docBase in the docBase', () => {
    expect(parseListLine('/shop:running:4:C:\\tomcat\\webapps\\shop##12')).toEqual({
      path: '/shop',
      version: '12',
      state: 'running',
      sessions: 4,
      name: 'C:\\tomcat\\webapps\\shop##12',
    });
  });

  it.each([
    ['/app:running:1:app##x#y', 'x#y'],
    ['/app:running:1:app##1##2', '1##2'],
    ['/:running:0:ROOT', ''],
    ['/foo:stopped:0:/opt/apps/foo##009.war', '009'],
  ])('derives the version of %s as %j', (line, version) => {
    expect(parseListLine(line).version).toBe(version);
  });

  it.each([
    '',
    '/app:running:1',
    '/app:running:1:',
    '/app:paused:0:app##001',
    '/app:running:-1:app##001',
    '/app:running:x:app##001',
    'app:running:0:app##001',
    '<html><body>list</body></html>',
    `/app:running:${'9'.repeat(20)}:app##001`,
  ])('throws E_PROTOCOL for the malformed line %j', (line) => {
    expect(() => parseListLine(line)).toThrow(expect.objectContaining({ code: ErrorCode.protocol }));
    expect(() => parseListLine(line)).toThrow(JSON.stringify(line));
  });
});

describe('answers that are not from the Manager text API → E_NOT_MANAGER', () => {
  itRefusesNonManagerAnswers('parseList', parseList);
});

describe('a list answer with a bad line → E_PROTOCOL quoting the line', () => {
  it.each([
    ['a truncated line', '/shop:runn'],
    ['an unknown state word', '/shop:paused:0:shop##001'],
    ['a state word in capitals', '/shop:RUNNING:0:shop##001'],
    ['a negative session count', '/shop:running:-1:shop##001'],
    ['a session count above 2^53', '/shop:running:9007199254740993:shop##001'],
    ['a 20-digit session count', '/shop:running:99999999999999999999:shop##001'],
    ['a fractional session count', '/shop:running:1.5:shop##001'],
    ['no docBase', '/shop:running:0:'],
    ['a path without /', 'shop:running:0:shop##001'],
    ['a line cut before the docBase', '/shop:running:0'],
    ['a lone \\r inside a line', '/shop:running:0:shop\r##001'],
  ])('%s: %j', (_name, line) => {
    const text = `${LIST_STATUS}/ok:running:0:ok##001\n${line}\n`;
    expect(errorOf(() => parseList(text), ErrorCode.protocol).message).toContain(
      JSON.stringify(line).slice(1, -1),
    );
  });

  it('3 MB of garbage after a good status line', () => {
    expect(errorOf(() => parseList(LIST_STATUS + GARBAGE), ErrorCode.protocol).message).toContain(
      'Unexpected',
    );
  });
});

describe('parseList on arbitrary text', () => {
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

// list-mixed.txt as recorded on Tomcat 9.0.70: the same state as the 10.1 fixture of that name.
const MIXED_9 = mixedList('/tmp/tpd9/home/webapps/manager');

describe('Tomcat 9.0.70: list', () => {
  it('parses several apps and versions, an unversioned app, a stopped version and ROOT', () => {
    expect(parseList(tomcat9('list-mixed.txt'))).toEqual(MIXED_9);
  });

  it('parses the list after a graceful restart: the sessions of /app came back from SESSIONS.ser', () => {
    const entries = parseList(tomcat9('list-after-restart.txt'));
    // /short's 6 sessions had been expired before the restart; /app##001 and 002 kept theirs.
    expect(entries.map((e) => [e.name, e.sessions])).toEqual(
      MIXED_9.map((e) => [e.name, e.name === 'short##001' ? 0 : e.sessions]),
    );
  });
});
