import { describe, it, expect } from 'vitest';
import { ErrorCode } from '../src/errors/error-codes.js';
import { TomcatFailError } from '../src/manager/parse/tomcat-fail.js';
import { fixture as recorded } from '@tomcat-pd/testkit/recorded';
import { parseList } from '../src/manager/parse/parse-list.js';
import { expectOk, parseAnswer } from '../src/manager/parse/parse-response.js';
import { classifyFailure } from '../src/manager/parse/tomcat-fail.js';
import { parseServerInfo, tomcatMajorVersion } from '../src/manager/parse/parse-serverinfo.js';
import { parseSessions } from '../src/manager/parse/parse-sessions.js';
import { mixedList } from './helpers/recorded.js';

// Answers of Tomcat 9.0.70 (Debian's libtomcat9-java, assembled as the integration harness does),
// recorded byte-exact: fixtures/README.md, "Recorded on Tomcat 9.0.70".
const fixture = (name: string): string => recorded(`tomcat9/${name}`);

const notManager = expect.objectContaining({ code: ErrorCode.notManager });
const protocol = expect.objectContaining({ code: ErrorCode.protocol });

// list-mixed.txt: the same state as the 10.1 fixture of that name.
const MIXED = mixedList('/tmp/tpd9/home/webapps/manager');

describe('Tomcat 9.0.70: list', () => {
  it('parses several apps and versions, an unversioned app, a stopped version and ROOT', () => {
    expect(parseList(fixture('list-mixed.txt'))).toEqual(MIXED);
  });

  it('parses the list after a graceful restart: the sessions of /app came back from SESSIONS.ser', () => {
    const entries = parseList(fixture('list-after-restart.txt'));
    // /short's 6 sessions had been expired before the restart; /app##001 and 002 kept theirs.
    expect(entries.map((e) => [e.name, e.sessions])).toEqual(
      MIXED.map((e) => [e.name, e.name === 'short##001' ? 0 : e.sessions]),
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
    expect(expectOk(fixture(name), 'x')).toEqual({ ok: true, message, body: [] });
  });

  it('accepts a path with /../ that 10.1.60 refuses (deploy and undeploy of /x/../y##1)', () => {
    // 10.1.60: FAIL - Invalid context path [&#47;x&#47;..&#47;y] was specified (deploy-invalid-path-dotdot.txt).
    expect(expectOk(fixture('deploy-dotdot-accepted.txt'), 'deploy').message).toBe(
      'Deployed application at context path [/x/../y##1]',
    );
    expect(expectOk(fixture('undeploy-dotdot.txt'), 'undeploy').message).toBe(
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
    const answer = parseAnswer(fixture(name), 'x');
    expect(answer).toEqual({ ok: false, message, body: [] });
    expect(classifyFailure(answer.message)).toBe(kind);
    expect(() => expectOk(fixture(name), 'x')).toThrow(TomcatFailError);
    expect(() => expectOk(fixture(name), 'x')).toThrow(expect.objectContaining({ kind }));
  });

  it('a failed start has two FAIL lines; the second names a different exception than 10.1.60', () => {
    const answer = parseAnswer(fixture('start-failed.txt'), 'start');
    expect(answer.ok).toBe(false);
    expect(answer.message).toBe('Application at context path [/app##004] could not be started');
    expect(answer.body).toHaveLength(1);
    expect(answer.body[0]).toMatch(
      /^FAIL - Encountered exception \[org\.apache\.catalina\.LifecycleException: Failed to initialize component \[org\.apache\.catalina\.webresources\.WarResourceSet@[0-9a-f]+\]\]$/,
    );
  });

  it('a version with a slash is an exception naming the file, as on 10.1', () => {
    const answer = parseAnswer(fixture('deploy-version-with-slash.txt'), 'deploy');
    expect(answer.ok).toBe(false);
    expect(answer.message).toMatch(
      /^Encountered exception \[java\.io\.FileNotFoundException: .*app##a\/b\.war/,
    );
    expect(classifyFailure(answer.message)).toBe('other');
  });
});

describe('Tomcat 9.0.70: sessions and expire', () => {
  it('parses no sessions, one, and two in one bucket', () => {
    expect(parseSessions(fixture('sessions-none.txt'))).toEqual({
      defaultMaxInactiveMinutes: 30,
      buckets: [],
      total: 0,
    });
    expect(parseSessions(fixture('sessions-one.txt'))).toEqual({
      defaultMaxInactiveMinutes: 30,
      buckets: [{ label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 }],
      total: 1,
    });
    expect(parseSessions(fixture('sessions-two.txt'))).toEqual({
      defaultMaxInactiveMinutes: 30,
      buckets: [{ label: '<1', fromMinutes: 0, toMinutes: 1, count: 2 }],
      total: 2,
    });
  });

  it('parses several buckets, and the expired count of expire?idle=0', () => {
    const several = {
      defaultMaxInactiveMinutes: 2,
      buckets: [
        { label: '<1', fromMinutes: 0, toMinutes: 1, count: 1 },
        { label: '1 - <2', fromMinutes: 1, toMinutes: 2, count: 2 },
        { label: '>=2', fromMinutes: 2, toMinutes: null, count: 3 },
      ],
      total: 6,
    };
    expect(parseSessions(fixture('sessions-several-buckets.txt'))).toEqual(several);
    expect(parseSessions(fixture('expire-idle0.txt'), 'expire')).toEqual({ ...several, expired: 6 });
  });

  it.each(['sessions-after-reload.txt', 'sessions-after-restart.txt'])(
    '%s: the 2 sessions of /app##002 survive a reload and a restart (SESSIONS.ser)',
    (name) => {
      expect(parseSessions(fixture(name))).toEqual({
        defaultMaxInactiveMinutes: 30,
        buckets: [{ label: '2 - <3', fromMinutes: 2, toMinutes: 3, count: 2 }],
        total: 2,
      });
    },
  );

  it('throws E_TOMCAT_FAIL for sessions without the version of a versioned app', () => {
    expect(() => parseSessions(fixture('sessions-no-version-fail.txt'))).toThrow(
      expect.objectContaining({ code: ErrorCode.tomcatFail, kind: 'no-context' }),
    );
  });
});

describe('Tomcat 9.0.70: serverinfo', () => {
  it('parses the recorded answer; the major version is 9', () => {
    const info = parseServerInfo(fixture('serverinfo.txt'));
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

describe('Tomcat 9.0.70: pages that are not text API answers', () => {
  it.each([
    ['http-401.html', 'HTTP Status 401 – Unauthorized'],
    ['http-401-no-credentials.html', 'HTTP Status 401 – Unauthorized'],
    ['http-403.html', 'HTTP Status 403 – Forbidden'],
  ])(
    '%s (Tomcat’s default error page: the minimal manager has no 401.jsp) is E_NOT_MANAGER',
    (name, title) => {
      expect(() => parseList(fixture(name))).toThrow(notManager);
      expect(() => parseList(fixture(name))).toThrow(`an HTML page titled "${title}"`);
    },
  );

  it.each(['status-all-json.html', 'status-all.html'])(
    '%s: /manager/status/all answers HTML, also with JSON=true (no JSON in 9.0.70)',
    (name) => {
      const page = fixture(name);
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
    expect(expectOk(fixture('fr-en-deploy-ok.txt'), 'deploy').message).toBe(
      'Deployed application at context path [/app##001]',
    );
    expect(expectOk(fixture('fr-en-undeploy-ok.txt'), 'undeploy').message).toBe(
      'Undeployed application at context path [/app##005]',
    );
    for (const [name, kind] of [
      ['fr-en-deploy-already-exists.txt', 'already-exists'],
      ['fr-en-deploy-failed-to-start.txt', 'failed-to-start'],
      ['fr-en-undeploy-no-context.txt', 'no-context'],
      ['fr-en-unknown-command.txt', 'other'],
    ] as const) {
      expect(() => expectOk(fixture(name), 'x')).toThrow(expect.objectContaining({ kind }));
    }
    expect(parseList(fixture('fr-en-list.txt')).map((e) => e.name)).toEqual([
      'app##001',
      'app##004.war',
      '/tmp/tpd9fr/home/webapps/manager',
    ]);
    expect(parseSessions(fixture('fr-en-sessions-one.txt')).total).toBe(1);
    expect(parseServerInfo(fixture('fr-en-serverinfo.txt')).tomcatVersion).toBe(
      'Apache Tomcat/9.0.70 (Debian)',
    );
  });

  it('with Accept-Language: en, texts that come from the server side stay French', () => {
    // The exception message inside the second line is made with the JVM's locale.
    const answer = parseAnswer(fixture('fr-en-start-failed.txt'), 'start');
    expect(answer.message).toBe('Application at context path [/app##004] could not be started');
    expect(answer.body[0]).toMatch(/^FAIL - Encountered exception \[.*Echec d'initialisation du composant/);
    // The 403 page: English, but its Message is the authenticator's, in French.
    expect(fixture('fr-en-http-403.html')).toContain(
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
    expect(fixture(name).startsWith('ECHEC - ')).toBe(true);
    // The client's Accept-Language: en avoids it (see the test above); should a proxy drop the
    // header, the refusal cannot be classified, and the error names the cause and the way out
    // (not "check the URL", as for a page that is no Manager answer).
    let error: unknown;
    try {
      parseAnswer(fixture(name), 'deploy');
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
    expect(expectOk(fixture('fr-deploy-ok.txt'), 'deploy').message).toBe(
      'Application déployée pour le chemin de contexte [/app##002]',
    );
    expect(expectOk(fixture('fr-undeploy-ok.txt'), 'undeploy').message).toBe(
      'Application non déployée pour le chemin de contexte [/app##007]',
    );
    expect(parseList(fixture('fr-list.txt')).map((e) => e.name)).toEqual([
      'app##001',
      'app##002',
      'app##004.war',
      'app##006.war',
      '/tmp/tpd9fr/home/webapps/manager',
    ]);
    expect(() => parseSessions(fixture('fr-sessions-one.txt'))).toThrow(protocol);
    expect(() => parseServerInfo(fixture('fr-serverinfo.txt'))).toThrow(protocol);
  });

  it('the 401 and 403 pages are French without Accept-Language: E_NOT_MANAGER either way', () => {
    expect(() => parseList(fixture('fr-http-401.html'))).toThrow(
      'an HTML page titled "État HTTP 401 – Non autorisé"',
    );
    expect(() => parseList(fixture('fr-http-403.html'))).toThrow(notManager);
    expect(() => parseList(fixture('fr-en-http-401.html'))).toThrow('"HTTP Status 401 – Unauthorized"');
  });
});
