import { describe, it, expect } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatFailError } from '../../../src/manager/parse/tomcat-fail.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { parseList, parseListLine } from '../../../src/manager/parse/parse-list.js';
import { mixedList } from '../../helpers/recorded.js';

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
