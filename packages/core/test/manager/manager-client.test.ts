/**
 * Answers that are not what the Manager text API writes: each becomes a typed error with the
 * code the CLI maps to an exit code, first through the parsers, then end to end through
 * createManagerClient against a node:http server on port 0.
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { isTomcatPdError, type TomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { createManagerClient, type ManagerClient } from '../../src/manager/manager-client.js';
import { parseList } from '../../src/manager/parse/parse-list.js';
import { expectOk } from '../../src/manager/parse/parse-response.js';
import { parseServerInfo } from '../../src/manager/parse/parse-serverinfo.js';
import { parseSessions } from '../../src/manager/parse/parse-sessions.js';
import { startMockManager, type MockManager } from '../helpers/mock-manager.js';

const { notManager, protocol, server, usage } = ErrorCode;
const LIST_STATUS = 'OK - Listed applications for virtual host [localhost]\n';
const SESSIONS_STATUS = 'OK - Session information for application at context path [/shop##001]\n';
const HEADER = 'Default maximum session inactive interval is [30] minutes\n';

const LOGIN_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Company SSO</title></head>
<body><form method="post" action="j_security_check">
<input name="j_username"><input name="j_password" type="password"><button>Sign in</button>
</form></body></html>
`;

const STACK_TRACE = `<!doctype html><html lang="en"><head><title>HTTP Status 500 – Internal Server Error</title></head><body>
<h1>HTTP Status 500 – Internal Server Error</h1><p><b>Type</b> Exception Report</p>
<pre>java.lang.NullPointerException: Cannot invoke "org.apache.catalina.Context.getManager()" because "context" is null
\tat org.apache.catalina.manager.ManagerServlet.sessions(ManagerServlet.java:1160)
\tat org.apache.catalina.manager.ManagerServlet.doGet(ManagerServlet.java:374)
\tat jakarta.servlet.http.HttpServlet.service(HttpServlet.java:564)
\tat org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:205)
</pre><hr class="line" /><h3>Apache Tomcat/10.1.60 (Debian)</h3></body></html>
`;

/** 3 MB of bytes from a fixed xorshift sequence, read as Latin-1: `\n`, `\r`, NUL and all. */
function garbage(bytes = 3 * 1024 * 1024): string {
  const buffer = Buffer.alloc(bytes);
  let state = 0x2545f491;
  for (let i = 0; i < bytes; i += 1) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    buffer[i] = state & 0xff;
  }
  return buffer.toString('latin1');
}
const GARBAGE = garbage();

/** The error `fn` throws: a TomcatPdError with `code` whose message is short (no body is echoed). */
function errorOf(fn: () => unknown, code: ErrorCode): TomcatPdError {
  let error: unknown;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(isTomcatPdError(error), inspect(error)).toBe(true);
  const typed = error as TomcatPdError;
  expect(typed.code).toBe(code);
  // At most an excerpt of the answer (80 characters, JSON-escaped), never the whole body.
  expect(typed.message.length).toBeLessThan(1_000);
  return typed;
}

const PARSERS: Array<[string, (text: string) => unknown]> = [
  ['expectOk', (text) => expectOk(text, 'stop')],
  ['parseList', parseList],
  ['parseSessions', (text) => parseSessions(text)],
  ['parseServerInfo', parseServerInfo],
];

describe('answers that are not from the Manager text API → E_NOT_MANAGER, from every parser', () => {
  const cases: Array<[string, string, string]> = [
    ['an empty body', '', 'an empty answer'],
    ['only \\r\\n', '\r\n', 'an empty answer'],
    ['only line ends and blanks', '\r\n\n  \r\n', 'an empty answer'],
    ['an HTML login page', LOGIN_PAGE, '"Sign in - Company SSO"'],
    ['a 500 page with a Java stack trace', STACK_TRACE, 'HTTP Status 500'],
    ['"OK -" without a space', 'OK -Listed applications for virtual host [localhost]\n', '"OK -Listed'],
    ['"OK -" alone', 'OK -\n/shop:running:0:shop##001\n', '"OK -"'],
    ['"ok - " in lower case', 'ok - Listed applications for virtual host [localhost]\n', '"ok - Listed'],
    ['a leading byte order mark', `\uFEFF${LIST_STATUS}/shop:running:0:shop##001\n`, '\uFEFFOK - Listed'],
    ['3 MB of garbage', GARBAGE, 'a first line'],
  ];
  for (const [parser, parse] of PARSERS) {
    it.each(cases)(`${parser}: %s`, (_name, text, shown) => {
      expect(errorOf(() => parse(text), notManager).message).toContain(shown);
    });
  }
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
    expect(errorOf(() => parseList(text), protocol).message).toContain(JSON.stringify(line).slice(1, -1));
  });

  it('3 MB of garbage after a good status line', () => {
    expect(errorOf(() => parseList(LIST_STATUS + GARBAGE), protocol).message).toContain('Unexpected');
  });
});

describe('a sessions or serverinfo answer with a bad line → E_PROTOCOL', () => {
  it.each([
    ['no header line', `${SESSIONS_STATUS}Inactive for [<1] minutes: [1] sessions\n`],
    ['a negative bucket count', `${SESSIONS_STATUS}${HEADER}Inactive for [<1] minutes: [-1] sessions\n`],
    ['an unknown bucket label', `${SESSIONS_STATUS}${HEADER}Inactive for [soon] minutes: [1] sessions\n`],
    ['a truncated bucket line', `${SESSIONS_STATUS}${HEADER}Inactive for [<1] minu`],
    ['a truncated header', `${SESSIONS_STATUS}Default maximum session inac`],
    ['3 MB of garbage', `${SESSIONS_STATUS}${HEADER}${GARBAGE}`],
  ])('sessions: %s', (_name, text) => {
    errorOf(() => parseSessions(text), protocol);
  });

  it.each([
    ['no Tomcat Version line', 'OK - Server info\nOS Name: [Linux]\n'],
    ['a line without ": "', 'OK - Server info\nTomcat Version: [Apache Tomcat/10.1.60]\nJVM Version\n'],
    ['3 MB of garbage', `OK - Server info\n${GARBAGE}`],
  ])('serverinfo: %s', (_name, text) => {
    errorOf(() => parseServerInfo(text), protocol);
  });
});

describe('through createManagerClient against a mock server', () => {
  const PASSWORD = 'S3cret:p@ss';
  let mock: MockManager;
  let client: ManagerClient;

  beforeEach(async () => {
    mock = await startMockManager();
    client = createManagerClient(
      { url: `${mock.origin}/manager`, user: 'deployer', password: PASSWORD },
      { retries: 2, retryDelayMs: 5, timeoutMs: 2_000 },
    );
  });

  afterEach(async () => {
    await mock.close();
  });

  /** The rejection of `promise`: a secret-free TomcatPdError with `code`. */
  async function failureOf(promise: Promise<unknown>, code: ErrorCode): Promise<TomcatPdError> {
    const error: unknown = await promise.then(
      () => new Error('expected a rejection'),
      (reason: unknown) => reason,
    );
    expect(isTomcatPdError(error), inspect(error)).toBe(true);
    expect((error as TomcatPdError).code).toBe(code);
    expect(JSON.stringify(error)).not.toContain('S3cret');
    return error as TomcatPdError;
  }

  const answer = (status: number, body: string, headers: Record<string, string> = {}) =>
    mock.handle((_req, res) => {
      res.writeHead(status, { 'Content-Type': 'text/html;charset=utf-8', ...headers });
      res.end(body);
    });

  const ref = { path: '/shop', version: '001' };
  const READS: Array<[string, () => Promise<unknown>]> = [
    ['list', () => client.list()],
    ['serverinfo', () => client.serverInfo()],
    ['sessions', () => client.sessions(ref)],
  ];
  const COMMANDS: Array<[string, () => Promise<unknown>]> = [
    ['stop', () => client.stop(ref)],
    ['undeploy', () => client.undeploy(ref)],
    ['expire', () => client.expire({ ...ref, idleMinutes: 0 })],
  ];

  it.each([...READS, ...COMMANDS])(
    'a 302 to %s → E_NOT_MANAGER naming the Location, not followed',
    async (command, call) => {
      const location = `${mock.origin}/sso/login?service=manager`;
      answer(302, LOGIN_PAGE, { Location: location });
      const error = await failureOf(call(), notManager);
      expect(error.status).toBe(302);
      expect(error.message).toContain(location);
      expect(mock.requests.map((request) => request.url.split('?')[0])).toEqual([`/manager/text/${command}`]);
    },
  );

  it.each(READS)(
    'a 500 with a stack trace to the read %s → E_SERVER after 2 retries',
    async (_name, call) => {
      answer(500, STACK_TRACE);
      const error = await failureOf(call(), server);
      expect(error.status).toBe(500);
      expect(error.message).not.toMatch(/NullPointerException|at org\.apache/);
      expect(mock.requests).toHaveLength(3);
    },
  );

  it.each(COMMANDS)(
    'a 500 with a stack trace to the command %s → E_SERVER, not retried',
    async (_name, call) => {
      answer(500, STACK_TRACE);
      const error = await failureOf(call(), server);
      expect(error.status).toBe(500);
      expect(error.message).not.toMatch(/NullPointerException|at org\.apache/);
      expect(mock.requests).toHaveLength(1);
    },
  );

  it('a 200 HTML page → E_NOT_MANAGER from list(), naming its title, not retried', async () => {
    answer(200, LOGIN_PAGE);
    const error = await failureOf(client.list(), notManager);
    expect(error.message).toContain('Sign in - Company SSO');
    expect(mock.requests).toHaveLength(1);
  });

  it('a 200 with an empty body → E_NOT_MANAGER from list()', async () => {
    answer(200, '');
    expect((await failureOf(client.list(), notManager)).message).toContain('an empty answer');
  });

  it.each([
    ['a truncated list line', '/shop:runn'],
    ['an unknown state word', '/shop:paused:0:shop##001'],
  ])('a 200 list with %s → E_PROTOCOL from list()', async (_name, line) => {
    answer(200, `${LIST_STATUS}${line}\n`);
    expect((await failureOf(client.list(), protocol)).message).toContain(line);
  });

  it('3 MB of garbage with a 200 → E_NOT_MANAGER from list()', async () => {
    mock.handle((_req, res) => res.end(Buffer.from(GARBAGE, 'latin1')));
    await failureOf(client.list(), notManager);
  });

  it('a leading byte order mark over HTTP is dropped (the parsers never see it)', async () => {
    answer(200, `\uFEFF${LIST_STATUS}/shop:running:2:shop##001\n`);
    expect(await client.list()).toEqual([
      { path: '/shop', version: '001', state: 'running', sessions: 2, name: 'shop##001' },
    ]);
  });

  // Regression (found by fuzz.test.ts): a lone surrogate made buildCommandUrl throw a URIError.
  it('a path with an unpaired surrogate → E_USAGE, nothing sent', async () => {
    await failureOf(client.stop({ path: '/shop\uD800', version: '001' }), usage);
    await failureOf(client.sessions({ path: '/\uDC00', version: '' }), usage);
    expect(mock.requests).toHaveLength(0);
  });
});
