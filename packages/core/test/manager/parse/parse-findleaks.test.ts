import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatFailError } from '../../../src/manager/parse/tomcat-fail.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { parseFindLeaks } from '../../../src/manager/parse/parse-findleaks.js';

/** The error `work` throws (the test fails when it throws none). */
function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

// Recorded on 10.1.60 (fixtures/) and 9.0.70 (fixtures/tomcat9/) in the same steps, see
// fixtures/README.md: the leaked paths are the same, the order is Tomcat's (a WeakHashMap's).
const RECORDED: ReadonlyArray<readonly [string, string[], string[]]> = [
  ['findleaks-statusline.txt', [], []],
  ['findleaks-tidy-undeployed.txt', [], []],
  ['findleaks-one-leak.txt', ['/leaky'], ['/leaky']],
  ['findleaks-two-apps.txt', ['/leaky', '/other'], ['/other', '/leaky']],
  ['findleaks-two-versions.txt', ['/leaky', '/other'], ['/leaky', '/other']],
  ['findleaks-root.txt', ['/leaky', '/other', '/'], ['/', '/leaky', '/other']],
  ['findleaks-stopped.txt', ['/leaky', '/other', '/held', '/'], ['/held', '/', '/leaky', '/other']],
];

describe('parseFindLeaks on recorded answers', () => {
  it.each(RECORDED)('%s (10.1.60 and 9.0.70)', (file, on10, on9) => {
    expect(parseFindLeaks(fixture(file))).toEqual({ leakedPaths: on10 });
    expect(parseFindLeaks(fixture(`tomcat9/${file}`))).toEqual({ leakedPaths: on9 });
    // What the client sends (statusLine=true) gets the status line, so the strict reading agrees.
    expect(parseFindLeaks(fixture(file), { statusLine: true })).toEqual({ leakedPaths: on10 });
  });

  it('names a path once when two versions of it leaked (Tomcat repeats it)', () => {
    const text = fixture('findleaks-two-versions.txt');
    expect(text.split('\n').filter((line) => line === '/leaky')).toHaveLength(2);
    expect(parseFindLeaks(text).leakedPaths).toEqual(['/leaky', '/other']);
  });

  it('names ROOT `/`, as Tomcat writes it', () => {
    expect(fixture('findleaks-root.txt').split('\n')).toContain('/');
    expect(parseFindLeaks(fixture('findleaks-root.txt')).leakedPaths).toContain('/');
  });

  it('reads the answer without statusLine: the empty body is no leak, else the paths alone', () => {
    for (const prefix of ['', 'tomcat9/']) {
      expect(fixture(`${prefix}findleaks-empty.txt`)).toBe('');
      expect(parseFindLeaks(fixture(`${prefix}findleaks-empty.txt`))).toEqual({ leakedPaths: [] });
      expect(parseFindLeaks(fixture(`${prefix}findleaks-one-leak-no-statusline.txt`))).toEqual({
        leakedPaths: ['/leaky'],
      });
    }
  });

  it('with statusLine: true, an empty body or a bare list is not the Manager (never "no leaks")', () => {
    for (const file of ['findleaks-empty.txt', 'findleaks-one-leak-no-statusline.txt']) {
      const error = thrown(() => parseFindLeaks(fixture(file), { statusLine: true }));
      expect(error).toBeInstanceOf(TomcatPdError);
      expect((error as TomcatPdError).code).toBe(ErrorCode.notManager);
    }
  });

  it('reads Windows line ends', () => {
    const text = fixture('findleaks-two-versions.txt').replaceAll('\n', '\r\n');
    expect(parseFindLeaks(text, { statusLine: true }).leakedPaths).toEqual(['/leaky', '/other']);
  });

  it('decides by the lines, not by the (translated) status message', () => {
    // LocalStrings_fr.properties of 9.0.70: managerServlet.findleaksList / findleaksNone.
    const found =
      'OK - De possibles fuites de mémoire ont été trouvées dans les applications suivantes :\n/shop\n';
    expect(parseFindLeaks(found).leakedPaths).toEqual(['/shop']);
    expect(parseFindLeaks('OK - Aucune fuite de mémoire trouvée\n').leakedPaths).toEqual([]);
  });
});

describe('parseFindLeaks on answers that are not a leak list', () => {
  it('FAIL: a TomcatFailError (managerServlet.findleaksFail, a Host that is not a StandardHost)', () => {
    const error = thrown(() =>
      parseFindLeaks('FAIL - Find leaks failed: Host not instance of StandardHost\n', { statusLine: true }),
    );
    expect(error).toBeInstanceOf(TomcatFailError);
    expect(error).toMatchObject({
      code: ErrorCode.tomcatFail,
      command: 'findleaks',
      kind: 'other',
      tomcatMessage: 'Find leaks failed: Host not instance of StandardHost',
    });
  });

  it('an HTML page: E_NOT_MANAGER', () => {
    const error = thrown(() => parseFindLeaks(fixture('http-404.html')));
    expect((error as TomcatPdError).code).toBe(ErrorCode.notManager);
  });

  it('a refusal in another language: E_PROTOCOL (as every answer)', () => {
    const text = "ECHEC - Echec de la recherche de fuites, car l'hôte n'est pas un StandardHost\n";
    expect((thrown(() => parseFindLeaks(text)) as TomcatPdError).code).toBe(ErrorCode.protocol);
  });

  it('a line after the status line that is not a context path: E_PROTOCOL', () => {
    for (const text of [
      'OK - Found potential memory leaks in the following applications:\nshop\n',
      'OK - Found potential memory leaks in the following applications:\n/shop\n\n/other\n',
      '/shop\nOK - No memory leaks found\n',
    ]) {
      const error = thrown(() => parseFindLeaks(text));
      expect(error).toBeInstanceOf(TomcatPdError);
      expect((error as TomcatPdError).code).toBe(ErrorCode.protocol);
    }
  });
});
