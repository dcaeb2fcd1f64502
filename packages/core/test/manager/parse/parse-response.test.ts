import { describe, it, expect } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatFailError, type FailKind } from '../../../src/manager/parse/tomcat-fail.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { decodeHtmlEntities, expectOk, parseAnswer } from '../../../src/manager/parse/parse-response.js';
import { fixture } from '@tomcat-pd/testkit/recorded';

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseAnswer', () => {
  it.each([
    ['deploy-ok.txt', 'Deployed application at context path [/app##001]'],
    ['deploy-root-versioned.txt', 'Deployed application at context path [/##001]'],
    ['deploy-nested.txt', 'Deployed application at context path [/a/b##007]'],
    ['undeploy-ok.txt', 'Undeployed application at context path [/app##005]'],
    ['stop-ok.txt', 'Stopped application at context path [/app##003]'],
    ['start-ok.txt', 'Started application at context path [/app##002]'],
    ['reload-ok.txt', 'Reloaded application at context path [/plain]'],
    ['findleaks-statusline.txt', 'No memory leaks found'],
    ['old-deploy-ok.txt', 'Deployed application at context path /foo##001'],
  ])('reads %s as OK', (name, message) => {
    expect(parseAnswer(fixture(name), 'x')).toEqual({ ok: true, message, body: [] });
  });

  it('keeps the following lines as the body', () => {
    const answer = parseAnswer(fixture('sessions-one.txt'), 'sessions');
    expect(answer.message).toBe('Session information for application at context path [/app##001]');
    expect(answer.body).toEqual([
      'Default maximum session inactive interval is [30] minutes',
      'Inactive for [<1] minutes: [1] sessions',
    ]);
  });

  it('reads CRLF answers like LF answers', () => {
    expect(parseAnswer(fixture('sessions-crlf.txt'), 'sessions')).toEqual(
      parseAnswer(fixture('sessions-one.txt'), 'sessions'),
    );
  });

  it('decodes entities in the message', () => {
    const answer = parseAnswer(fixture('undeploy-no-context-nested.txt'), 'undeploy');
    expect(answer).toEqual({ ok: false, message: 'No context exists named [/a/b##999]', body: [] });
  });

  it('decides by the first line only: busy then a misleading OK is a FAIL', () => {
    const answer = parseAnswer(fixture('deploy-busy-then-ok.txt'), 'deploy');
    expect(answer.ok).toBe(false);
    expect(answer.message).toBe('The application [/big##3] is already being serviced');
    expect(answer.body).toEqual(['OK - Deployed application at context path [/big##3]']);
    expect(parseAnswer(fixture('undeploy-busy-then-ok.txt'), 'undeploy').ok).toBe(false);
  });

  it.each(['http-401.html', 'http-403.html', 'http-404.html', 'http-404-manager-html.html'])(
    'rejects the HTML page %s as not from the Manager',
    (name) => {
      const error = thrown(() => parseAnswer(fixture(name), 'list'));
      expect(error).toBeInstanceOf(TomcatPdError);
      expect(error).toMatchObject({ code: ErrorCode.notManager });
      expect((error as TomcatPdError).hint).toMatch(/http:\/\/host:8080\/manager/);
      expect((error as Error).message).toMatch(/not from Tomcat's Manager text API/);
    },
  );

  it('quotes at most about 80 characters of the first line', () => {
    const error = thrown(() => parseAnswer(`${'x'.repeat(500)}\nmore`, 'list')) as Error;
    expect(error.message).toContain(`"${'x'.repeat(80)}…"`);
    expect(error.message).not.toContain('x'.repeat(81));
  });

  it('rejects the empty body of findleaks without statusLine=true (recorded)', () => {
    expect(fixture('findleaks-empty.txt')).toBe('');
    expect(() => parseAnswer(fixture('findleaks-empty.txt'), 'findleaks')).toThrow(/empty answer/);
  });

  it.each(['', '\n', '\r\n\r\n'])('rejects an empty answer %j', (text) => {
    const error = thrown(() => parseAnswer(text, 'findleaks')) as TomcatPdError;
    expect(error.code).toBe(ErrorCode.notManager);
    expect(error.message).toMatch(/empty answer/);
  });

  it.each(['OK-missing space', 'ok - lower case', ' OK - leading space', 'FAIL -', 'Listed applications'])(
    'rejects a first line %j that is neither OK nor FAIL',
    (text) => {
      expect(() => parseAnswer(text, 'list')).toThrow(
        expect.objectContaining({ code: ErrorCode.notManager }),
      );
    },
  );
});

describe('expectOk', () => {
  it('returns the answer on OK', () => {
    expect(expectOk(fixture('deploy-ok.txt'), 'deploy').message).toBe(
      'Deployed application at context path [/app##001]',
    );
  });

  it.each<[string, FailKind, string]>([
    ['deploy-already-exists.txt', 'already-exists', 'Application already exists at path [/app##001]'],
    [
      'deploy-failed-to-start.txt',
      'failed-to-start',
      'Deployed application at context path [/app##004] but context failed to start',
    ],
    ['deploy-busy.txt', 'busy', 'The application [/big##3] is already being serviced'],
    ['deploy-busy-then-ok.txt', 'busy', 'The application [/big##3] is already being serviced'],
    ['undeploy-no-context.txt', 'no-context', 'No context exists named [/app##999]'],
    ['sessions-no-version-fail.txt', 'no-context', 'No context exists named [/app]'],
    ['stop-invalid-path.txt', 'invalid-path', 'Invalid context path [null] was specified'],
    ['deploy-invalid-path-dotdot.txt', 'invalid-path', 'Invalid context path [/x/../y] was specified'],
    ['start-failed.txt', 'other', 'Application at context path [/app##004] could not be started'],
    ['stop-manager-self.txt', 'other', 'The manager cannot reload, stop, or undeploy itself'],
    ['unknown-command.txt', 'other', 'Unknown command [/bogus]'],
    ['old-no-context.txt', 'no-context', 'No context exists named /foo##999'],
    ['old-already-exists.txt', 'already-exists', 'Application already exists at path /foo##001'],
  ])('throws TomcatFailError for %s (%s)', (name, kind, message) => {
    const error = thrown(() => expectOk(fixture(name), 'deploy'));
    expect(error).toBeInstanceOf(TomcatFailError);
    expect(error).toMatchObject({
      code: ErrorCode.tomcatFail,
      command: 'deploy',
      kind,
      tomcatMessage: message,
    });
  });

  it('classifies the FileNotFoundException of a version with a slash as other', () => {
    const error = thrown(() =>
      expectOk(fixture('deploy-version-with-slash.txt'), 'deploy'),
    ) as TomcatFailError;
    expect(error.kind).toBe('other');
    expect(error.tomcatMessage).toMatch(
      /^Encountered exception \[java\.io\.FileNotFoundException: .*app##a\/b\.war/,
    );
  });

  it('classifies the rename failure of concurrent update deploys as other', () => {
    const error = thrown(() => expectOk(fixture('deploy-unable-to-rename.txt'), 'deploy')) as TomcatFailError;
    expect(error.kind).toBe('other');
    expect(error.tomcatMessage).toMatch(/^Unable to rename \[.*big##3\.war\.tmp\]/);
  });

  it('still rejects non-Manager answers as E_NOT_MANAGER', () => {
    expect(() => expectOk(fixture('http-401.html'), 'list')).toThrow(
      expect.objectContaining({ code: ErrorCode.notManager }),
    );
  });

  // The refusals of Tomcat 9's translations (its LocalStrings_de/es/fr/ko/ru), as a Tomcat
  // answers when a proxy drops the client's Accept-Language: en (recorded in French:
  // tomcat9/fr-en-us-deploy-already-exists.txt).
  it.each([
    'ECHEC - Commande inconnue [/bogus]',
    'FEHLER - Unbekanntes Kommando [/bogus]',
    'FALLO - Comando desconocido [/bogus]',
    'ОШИБКА - Неизвестная команда [/bogus]',
    '실패 - 알 수 없는 명령: [/bogus]',
  ])('a refusal in another language is E_PROTOCOL naming the cause, not E_NOT_MANAGER: %j', (first) => {
    const error = thrown(() => expectOk(`${first}\n`, 'bogus')) as TomcatPdError;
    expect(error.code).toBe(ErrorCode.protocol);
    expect(error.message).toBe(
      `Tomcat refused bogus in another language than English: ${JSON.stringify(first)}`,
    );
    expect(error.hint).toMatch(/Accept-Language: en.*-Duser\.language=en/);
  });
});

describe('decodeHtmlEntities', () => {
  it.each([
    ['&#47;a&#47;b##999', '/a/b##999'],
    ['&lt;x&gt; &amp; &quot;q&quot; &#39;s&#39; &apos;', `<x> & "q" 's' '`],
    ['&#x2F;&#X2f;&#65;&#x1F600;', '//A😀'],
    ['&amp;#47;', '&#47;'],
    ['&nbsp; &unknown; &#; &#x; &#99999999; &#x110000;', '&nbsp; &unknown; &#; &#x; &#99999999; &#x110000;'],
    ['no entities: a & b', 'no entities: a & b'],
  ])('%j → %j', (input, output) => {
    expect(decodeHtmlEntities(input)).toBe(output);
  });
});
