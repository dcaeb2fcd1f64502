import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { parseServerInfo, tomcatMajorVersion } from '../../../src/manager/parse/parse-serverinfo.js';
import { errorOf, GARBAGE, itRefusesNonManagerAnswers } from '../../helpers/malformed-answers.js';
import { anyAnswer, serverInfoAnswer } from '../../helpers/manager-arbitraries.js';
import { assertReaching, PARSER_CODES, valueOrTypedError } from '../../helpers/properties.js';
import { tomcat9 } from '../../helpers/recorded.js';

describe('parseServerInfo', () => {
  it('parses the recorded answer of Tomcat 10.1.60', () => {
    expect(parseServerInfo(fixture('serverinfo.txt'))).toEqual({
      tomcatVersion: 'Apache Tomcat/10.1.60 (Debian)',
      fields: {
        'Tomcat Version': 'Apache Tomcat/10.1.60 (Debian)',
        'OS Name': 'Linux',
        'OS Version': '6.18.44-fc-v769',
        'OS Architecture': 'amd64',
        'JVM Version': '17.0.15+6-Debian-1deb12u1',
        'JVM Vendor': 'Debian',
      },
    });
  });

  it('parses the bracket-less format of Tomcat before 8.5.15', () => {
    const info = parseServerInfo(fixture('old-serverinfo.txt'));
    expect(info.tomcatVersion).toBe('Apache Tomcat/7.0.90');
    expect(info.fields['JVM Vendor']).toBe('Oracle Corporation');
    expect(info.fields['OS Version']).toBe('4.15.0');
  });

  it('keeps colons inside a value', () => {
    const text =
      'OK - Server info\r\nTomcat Version: [Apache Tomcat/9.0.1]\r\nOS Name: [Windows: Server 2019]\r\n';
    expect(parseServerInfo(text).fields['OS Name']).toBe('Windows: Server 2019');
  });

  it('throws E_PROTOCOL when the Tomcat version line is missing', () => {
    expect(() => parseServerInfo('OK - Server info\nOS Name: [Linux]\n')).toThrow(
      expect.objectContaining({ code: ErrorCode.protocol }),
    );
  });

  it('throws E_PROTOCOL for a line that is not "Key: value"', () => {
    const text = `${fixture('serverinfo.txt')}garbage\n`;
    expect(() => parseServerInfo(text)).toThrow(expect.objectContaining({ code: ErrorCode.protocol }));
    expect(() => parseServerInfo(text)).toThrow('"garbage"');
  });

  it('throws E_NOT_MANAGER for an HTML page and E_TOMCAT_FAIL for a FAIL answer', () => {
    expect(() => parseServerInfo(fixture('http-404.html'))).toThrow(
      expect.objectContaining({ code: ErrorCode.notManager }),
    );
    expect(() => parseServerInfo(fixture('unknown-command.txt'))).toThrow(
      expect.objectContaining({ code: ErrorCode.tomcatFail, command: 'serverinfo' }),
    );
  });
});

describe('tomcatMajorVersion', () => {
  it.each([
    ['Apache Tomcat/10.1.60 (Debian)', 10],
    ['Apache Tomcat/7.0.90', 7],
    ['Apache Tomcat/11.0.0-M1', 11],
    ['Apache Tomcat/8.5.100', 8],
    ['Apache Tomcat (TomEE)/9.0.71 (8.0.14)', 9],
    ['Apache Tomcat', undefined],
    ['MyServer/1.0', undefined],
  ])('%s → %s', (tomcatVersion, major) => {
    expect(tomcatMajorVersion({ tomcatVersion, fields: {} })).toBe(major);
  });

  it('reads the recorded fixture as Tomcat 10', () => {
    expect(tomcatMajorVersion(parseServerInfo(fixture('serverinfo.txt')))).toBe(10);
  });
});

describe('answers that are not from the Manager text API → E_NOT_MANAGER', () => {
  itRefusesNonManagerAnswers('parseServerInfo', parseServerInfo);
});

describe('a serverinfo answer with a bad line → E_PROTOCOL', () => {
  it.each([
    ['no Tomcat Version line', 'OK - Server info\nOS Name: [Linux]\n'],
    ['a line without ": "', 'OK - Server info\nTomcat Version: [Apache Tomcat/10.1.60]\nJVM Version\n'],
    ['3 MB of garbage', `OK - Server info\n${GARBAGE}`],
  ])('serverinfo: %s', (_name, text) => {
    errorOf(() => parseServerInfo(text), ErrorCode.protocol);
  });
});

describe('parseServerInfo on arbitrary text', () => {
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

describe('Tomcat 9.0.70: serverinfo', () => {
  it('parses the recorded answer; the major version is 9', () => {
    const info = parseServerInfo(tomcat9('serverinfo.txt'));
    expect(info).toEqual({
      tomcatVersion: 'Apache Tomcat/9.0.70 (Debian)',
      fields: {
        'Tomcat Version': 'Apache Tomcat/9.0.70 (Debian)',
        'OS Name': 'Linux',
        'OS Version': '6.18.44-fc-v1045',
        'OS Architecture': 'amd64',
        'JVM Version': '17.0.15+6-Debian-1deb12u1',
        'JVM Vendor': 'Debian',
      },
    });
    expect(tomcatMajorVersion(info)).toBe(9);
  });
});
