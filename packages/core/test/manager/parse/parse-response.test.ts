import fc from 'fast-check';
import { describe, it, expect } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import { TomcatFailError, classifyFailure, type FailKind } from '../../../src/manager/parse/tomcat-fail.js';
import { TomcatPdError } from '../../../src/errors/tomcat-pd-error.js';
import { decodeHtmlEntities, expectOk, parseAnswer } from '../../../src/manager/parse/parse-response.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { parseList } from '../../../src/manager/parse/parse-list.js';
import { parseServerInfo } from '../../../src/manager/parse/parse-serverinfo.js';
import { parseSessions } from '../../../src/manager/parse/parse-sessions.js';
import { itRefusesNonManagerAnswers } from '../../helpers/malformed-answers.js';
import { anyAnswer } from '../../helpers/manager-arbitraries.js';
import { RUNS, valueOrTypedError } from '../../helpers/properties.js';
import { tomcat9 } from '../../helpers/recorded.js';

const notManager = expect.objectContaining({ code: ErrorCode.notManager });
const protocol = expect.objectContaining({ code: ErrorCode.protocol });

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

describe('answers that are not from the Manager text API → E_NOT_MANAGER', () => {
  itRefusesNonManagerAnswers('expectOk', (text) => expectOk(text, 'stop'));
});

describe('parseAnswer and expectOk on arbitrary text', () => {
  it('parseAnswer returns the split answer or throws E_NOT_MANAGER', () => {
    fc.assert(
      fc.property(anyAnswer, (text) => {
        const answer = valueOrTypedError(() => parseAnswer(text, 'list'), [ErrorCode.notManager]);
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
        }, [ErrorCode.notManager, ErrorCode.tomcatFail]);
        if (answer !== undefined) expect(answer.ok).toBe(true);
        else if ((failure as { code: string }).code === ErrorCode.tomcatFail)
          expect(failure).toBeInstanceOf(TomcatFailError);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('Tomcat 9.0.70: OK and FAIL answers', () => {
  it.each([
    ['deploy-ok.txt', 'Deployed application at context path [/app##001]'],
    ['deploy-unversioned.txt', 'Deployed application at context path [/plain]'],
    ['deploy-root-versioned.txt', 'Deployed application at context path [/##001]'],
    ['deploy-nested.txt', 'Deployed application at context path [/a/b##007]'],
    ['undeploy-ok.txt', 'Undeployed application at context path [/app##005]'],
    ['stop-ok.txt', 'Stopped application at context path [/app##003]'],
    ['start-ok.txt', 'Started application at context path [/app##002]'],
    ['reload-ok.txt', 'Reloaded application at context path [/plain]'],
    ['reload-versioned-ok.txt', 'Reloaded application at context path [/app##002]'],
    ['findleaks-statusline.txt', 'No memory leaks found'],
  ])('%s is OK with the message %j', (name, message) => {
    expect(expectOk(tomcat9(name), 'x')).toEqual({ ok: true, message, body: [] });
  });

  it('accepts a path with /../ that 10.1.60 refuses (deploy and undeploy of /x/../y##1)', () => {
    // 10.1.60: FAIL - Invalid context path [&#47;x&#47;..&#47;y] was specified (deploy-invalid-path-dotdot.txt).
    expect(expectOk(tomcat9('deploy-dotdot-accepted.txt'), 'deploy').message).toBe(
      'Deployed application at context path [/x/../y##1]',
    );
    expect(expectOk(tomcat9('undeploy-dotdot.txt'), 'undeploy').message).toBe(
      'Undeployed application at context path [/x/../y##1]',
    );
  });

  it.each([
    ['deploy-already-exists.txt', 'Application already exists at path [/app##001]', 'already-exists'],
    [
      'deploy-failed-to-start.txt',
      'Deployed application at context path [/app##004] but context failed to start',
      'failed-to-start',
    ],
    ['undeploy-no-context.txt', 'No context exists named [/app##999]', 'no-context'],
    ['sessions-no-version-fail.txt', 'No context exists named [/app]', 'no-context'],
    ['stop-invalid-path.txt', 'Invalid context path [null] was specified', 'invalid-path'],
    ['unknown-command.txt', 'Unknown command [/bogus]', 'other'],
    // 10.1.60 says "cannot reload, stop, or undeploy itself"; 9.0.70 names undeploy twice.
    ['stop-manager-self.txt', 'The manager cannot reload, undeploy, stop, or undeploy itself', 'other'],
  ] as const)('%s is FAIL %j, classified %s', (name, message, kind) => {
    const answer = parseAnswer(tomcat9(name), 'x');
    expect(answer).toEqual({ ok: false, message, body: [] });
    expect(classifyFailure(answer.message)).toBe(kind);
    expect(() => expectOk(tomcat9(name), 'x')).toThrow(TomcatFailError);
    expect(() => expectOk(tomcat9(name), 'x')).toThrow(expect.objectContaining({ kind }));
  });

  it('a failed start has two FAIL lines; the second names a different exception than 10.1.60', () => {
    const answer = parseAnswer(tomcat9('start-failed.txt'), 'start');
    expect(answer.ok).toBe(false);
    expect(answer.message).toBe('Application at context path [/app##004] could not be started');
    expect(answer.body).toHaveLength(1);
    expect(answer.body[0]).toMatch(
      /^FAIL - Encountered exception \[org\.apache\.catalina\.LifecycleException: Failed to initialize component \[org\.apache\.catalina\.webresources\.WarResourceSet@[0-9a-f]+\]\]$/,
    );
  });

  it('a version with a slash is an exception naming the file, as on 10.1', () => {
    const answer = parseAnswer(tomcat9('deploy-version-with-slash.txt'), 'deploy');
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(
      /^Encountered exception \[java\.io\.FileNotFoundException: .*app##a\/b\.war/,
    );
    expect(classifyFailure(answer.message)).toBe('other');
  });
});

describe('Tomcat 9.0.70: pages that are not text API answers', () => {
  it.each([
    ['http-401.html', 'HTTP Status 401 – Unauthorized'],
    ['http-401-no-credentials.html', 'HTTP Status 401 – Unauthorized'],
    ['http-403.html', 'HTTP Status 403 – Forbidden'],
  ])(
    '%s (Tomcat’s default error page: the minimal manager has no 401.jsp) is E_NOT_MANAGER',
    (name, title) => {
      expect(() => parseList(tomcat9(name))).toThrow(notManager);
      expect(() => parseList(tomcat9(name))).toThrow(`an HTML page titled "${title}"`);
    },
  );

  it.each(['status-all-json.html', 'status-all.html'])(
    '%s: /manager/status/all answers HTML, also with JSON=true (no JSON in 9.0.70)',
    (name) => {
      const page = tomcat9(name);
      expect(page.startsWith('<html>')).toBe(true);
      expect(page).toContain('<title>/manager</title>');
      expect(page).toContain('Complete Server Status');
      expect(() => JSON.parse(page) as unknown).toThrow(SyntaxError);
      expect(() => parseAnswer(page, 'status')).toThrow(notManager);
    },
  );
});

describe('Tomcat 9.0.70 on a French JVM (-Duser.language=fr -Duser.country=FR)', () => {
  it('answers in English to Accept-Language: en, as the client sends it: OK and FAIL alike', () => {
    expect(expectOk(tomcat9('fr-en-deploy-ok.txt'), 'deploy').message).toBe(
      'Deployed application at context path [/app##001]',
    );
    expect(expectOk(tomcat9('fr-en-undeploy-ok.txt'), 'undeploy').message).toBe(
      'Undeployed application at context path [/app##005]',
    );
    for (const [name, kind] of [
      ['fr-en-deploy-already-exists.txt', 'already-exists'],
      ['fr-en-deploy-failed-to-start.txt', 'failed-to-start'],
      ['fr-en-undeploy-no-context.txt', 'no-context'],
      ['fr-en-unknown-command.txt', 'other'],
    ] as const) {
      expect(() => expectOk(tomcat9(name), 'x')).toThrow(expect.objectContaining({ kind }));
    }
    expect(parseList(tomcat9('fr-en-list.txt')).map((e) => e.name)).toEqual([
      'app##001',
      'app##004.war',
      '/tmp/tpd9fr/home/webapps/manager',
    ]);
    expect(parseSessions(tomcat9('fr-en-sessions-one.txt')).total).toBe(1);
    expect(parseServerInfo(tomcat9('fr-en-serverinfo.txt')).tomcatVersion).toBe(
      'Apache Tomcat/9.0.70 (Debian)',
    );
  });

  it('with Accept-Language: en, texts that come from the server side stay French', () => {
    // The exception message inside the second line is made with the JVM's locale.
    const answer = parseAnswer(tomcat9('fr-en-start-failed.txt'), 'start');
    expect(answer.message).toBe('Application at context path [/app##004] could not be started');
    expect(answer.body[0]).toMatch(/^FAIL - Encountered exception \[.*Echec d'initialisation du composant/);
    // The 403 page: English, but its Message is the authenticator's, in French.
    expect(tomcat9('fr-en-http-403.html')).toContain(
      '<b>Message</b> L&#39;accès à la ressource demandée a été interdit',
    );
  });

  it.each([
    'fr-deploy-already-exists.txt',
    'fr-deploy-failed-to-start.txt',
    'fr-start-failed.txt',
    'fr-undeploy-no-context.txt',
    'fr-unknown-command.txt',
    'fr-en-us-unknown-command.txt',
    'fr-en-us-deploy-already-exists.txt',
  ])('%s (no Accept-Language, or en-US): ECHEC - ... is a refusal in another language, said so', (name) => {
    expect(tomcat9(name).startsWith('ECHEC - ')).toBe(true);
    // The client's Accept-Language: en avoids it (see the test above); should a proxy drop the
    // header, the refusal cannot be classified, and the error names the cause and the way out
    // (not "check the URL", as for a page that is no Manager answer).
    let error: unknown;
    try {
      parseAnswer(tomcat9(name), 'deploy');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      code: ErrorCode.protocol,
      message: expect.stringMatching(/^Tomcat refused deploy in another language than English: "ECHEC - /),
      hint: expect.stringContaining('-Duser.language=en'),
    });
  });

  it('French OK answers without Accept-Language: OK is kept, the rest is French', () => {
    // A French OK is accepted with its French message (every translation keeps `OK - `); list
    // parses, but sessions and serverinfo do not find their English lines (E_PROTOCOL).
    expect(expectOk(tomcat9('fr-deploy-ok.txt'), 'deploy').message).toBe(
      'Application déployée pour le chemin de contexte [/app##002]',
    );
    expect(expectOk(tomcat9('fr-undeploy-ok.txt'), 'undeploy').message).toBe(
      'Application non déployée pour le chemin de contexte [/app##007]',
    );
    expect(parseList(tomcat9('fr-list.txt')).map((e) => e.name)).toEqual([
      'app##001',
      'app##002',
      'app##004.war',
      'app##006.war',
      '/tmp/tpd9fr/home/webapps/manager',
    ]);
    expect(() => parseSessions(tomcat9('fr-sessions-one.txt'))).toThrow(protocol);
    expect(() => parseServerInfo(tomcat9('fr-serverinfo.txt'))).toThrow(protocol);
  });

  it('the 401 and 403 pages are French without Accept-Language: E_NOT_MANAGER either way', () => {
    expect(() => parseList(tomcat9('fr-http-401.html'))).toThrow(
      'an HTML page titled "État HTTP 401 – Non autorisé"',
    );
    expect(() => parseList(tomcat9('fr-http-403.html'))).toThrow(notManager);
    expect(() => parseList(tomcat9('fr-en-http-401.html'))).toThrow('"HTTP Status 401 – Unauthorized"');
  });
});
