import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { TomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import {
  baseName,
  displayName,
  validateContextPath,
  versionFromDocBase,
} from '../../src/versions/context-name.js';
import { pathish, pathLike } from '../helpers/name-arbitraries.js';
import { RUNS, usageErrorOf, valueOrTypedError } from '../helpers/properties.js';

describe('versionFromDocBase', () => {
  it.each([
    // docs/tomcat-manager.md#context-names
    ['a#b##7.war', '7'],
    ['app##x#y.war', 'x#y'],
    ['app##1##2', '1##2'],
    ['ROOT##001', '001'],
    // recorded in list-mixed.txt
    ['app##002', '002'],
    ['app##004.war', '004'],
    ['a#b##007', '007'],
    ['plain', ''],
    ['ROOT', ''],
    ['/usr/share/tomcat10-admin/manager', ''],
    // extension and separators
    ['app##003.WAR', '003'],
    ['app##003.Xml', '003'],
    ['app##003.zip', '003.zip'],
    ['app##1.2.3-rc.1+build.5', '1.2.3-rc.1+build.5'],
    ['C:\\tomcat\\webapps\\shop##12', '12'],
    ['/opt/apps##9/shop', ''],
    ['/srv/shop##5/', '5'],
    ['##42', '42'],
    ['', ''],
  ])('%j → %j', (docBase, version) => {
    expect(versionFromDocBase(docBase)).toBe(version);
  });
});

describe('validateContextPath', () => {
  it.each([
    ['/', '/'],
    ['/ROOT', '/'],
    ['/shop', '/shop'],
    ['/a/b', '/a/b'],
    ['/my-app_1.0', '/my-app_1.0'],
    ['/ROOT/x', '/ROOT/x'],
    ['/root', '/root'],
    ['/...', '/...'],
  ])('accepts %j as %j', (path, expected) => {
    expect(validateContextPath(path)).toBe(expected);
  });

  it.each([
    ['', /is empty/],
    ['shop', /does not start with \//],
    ['ROOT', /does not start with \//],
    ['/shop##002', /contains #/],
    ['/a#b', /contains #/],
    ['/a/../b', /\. or \.\. segment/],
    ['/..', /\. or \.\. segment/],
    ['/a/./b', /\. or \.\. segment/],
    ['/a/.', /\. or \.\. segment/],
    ['//shop', /empty segment/],
    ['/a//b', /empty segment/],
    ['/a\\b', /backslash/],
    ['/shop/', /ends with \//],
    ['/tomcat-pd-lock', /release lock/],
    ['/tomcat-pd-lock/app/shop', /release lock/],
    ['/a b', /whitespace/],
    ['/shop\t', /whitespace/],
    ['/shop\n', /whitespace/],
    ['/shop\u0000', /control character/],
    ['/shop\u007f', /control character/],
    ['/shop?x=1', /\?, % or ;/],
    ['/sh%6Fp', /\?, % or ;/],
    ['/shop;jsessionid=1', /\?, % or ;/],
  ])('rejects %j', (path, problem) => {
    let error: unknown;
    try {
      validateContextPath(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(TomcatPdError);
    const usage = error as TomcatPdError;
    expect(usage.code).toBe(ErrorCode.usage);
    expect(usage.message).toMatch(problem);
    expect(usage.message).toContain(JSON.stringify(path));
    expect(usage.hint).toBeTruthy();
  });
});

describe('displayName', () => {
  it.each([
    ['/foo', '', '/foo'],
    ['/foo', '002', '/foo##002'],
    ['/', '', '/'],
    ['/', '001', '/##001'],
    ['/ROOT', '001', '/##001'],
    ['/a/b', '007', '/a/b##007'],
  ])('(%j, %j) → %j', (path, version, expected) => {
    expect(displayName(path, version)).toBe(expected);
  });

  it.each([
    ['deploy-ok.txt', '/app', '001'],
    ['deploy-root-versioned.txt', '/', '001'],
    ['deploy-nested.txt', '/a/b', '007'],
  ])("matches Tomcat's own message in %s", (name, path, version) => {
    expect(fixture(name)).toBe(`OK - Deployed application at context path [${displayName(path, version)}]\n`);
  });
});

describe('baseName', () => {
  it.each([
    ['/foo', '', 'foo'],
    ['/foo', '002', 'foo##002'],
    ['/', '', 'ROOT'],
    ['/ROOT', '', 'ROOT'],
    ['/', '001', 'ROOT##001'],
    ['/a/b', '007', 'a#b##007'],
    ['/a/b/c', '', 'a#b#c'],
  ])('(%j, %j) → %j', (path, version, expected) => {
    expect(baseName(path, version)).toBe(expected);
  });

  it('round-trips through versionFromDocBase', () => {
    expect(versionFromDocBase(`${baseName('/a/b', 'x#y')}.war`)).toBe('x#y');
  });
});

describe('validateContextPath on arbitrary text', () => {
  it('a path either passes with the documented invariants or is refused with E_USAGE', () => {
    fc.assert(
      fc.property(fc.oneof(pathish, pathLike, fc.string(), fc.string({ unit: 'binary' })), (candidate) => {
        const path = valueOrTypedError(() => validateContextPath(candidate), [ErrorCode.usage]);
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

  // Was: validateContextPath('/\udc00') passed, then buildCommandUrl threw `URIError: URI malformed`.
  it.each(['/\udc00', '/shop\ud800', '/a/\ud83d'])('refuses the path %j (an unpaired surrogate)', (path) => {
    expect(usageErrorOf(() => validateContextPath(path)).message).toContain('unpaired UTF-16 surrogate');
  });
});
