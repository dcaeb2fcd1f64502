/**
 * The client against a stand-in Manager (a node:http server on port 0) that answers recorded
 * texts (fixtures/README.md) or what a real Tomcat cannot be made to answer: the requests it
 * sends, and the typed error, with the code the CLI maps to an exit code, of every answer that is
 * not what the Manager text API writes.
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { isTomcatPdError, type TomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import {
  createManagerClient,
  type ClientOptions,
  type ManagerClient,
} from '../../src/manager/manager-client.js';
import { GARBAGE, LIST_STATUS, LOGIN_PAGE, STACK_TRACE } from '../helpers/malformed-answers.js';
import { startMockManager, type MockManager } from '../helpers/mock-manager.js';

const { notManager, protocol, server, usage } = ErrorCode;

let mock: MockManager;
beforeEach(async () => {
  mock = await startMockManager();
});
afterEach(() => mock.close());

const PASSWORD = 'S3cret:p@ss';

/**
 * A client of the stand-in, named web1. Its sockets are real, so the back-off between retries
 * (`retryDelayMs`) is a real wait: a few milliseconds.
 */
const clientOf = (options: ClientOptions) =>
  createManagerClient(
    { name: 'web1', url: `${mock.origin}/manager`, user: 'deployer', password: PASSWORD },
    options,
  );

describe('serverMetrics', () => {
  // The status page: a real 9.0.70 and 10.1.60 answer it in the integration tests.
  const client = () => clientOf({ retries: 1, retryDelayMs: 10 });

  function answerPages(pages: Record<string, { status?: number; type: string; body: string }>) {
    mock.handle((req, res) => {
      const page = Object.entries(pages).find(([prefix]) => req.url?.startsWith(prefix))?.[1];
      res.writeHead(page === undefined ? 404 : (page.status ?? 200), {
        'Content-Type': page?.type ?? 'text/plain',
      });
      res.end(page?.body ?? '');
    });
  }

  it('GETs /manager/status/all?JSON=true with the credentials and parses it', async () => {
    answerPages({
      '/manager/status/all': {
        type: 'application/json;charset=utf-8',
        body: fixture('status/status-all-10.1.json'),
      },
    });
    const metrics = await client().serverMetrics();
    expect(metrics.contexts).toHaveLength(6);
    expect(mock.requests.map((request) => request.url)).toEqual(['/manager/status/all?JSON=true']);
    expect(mock.requests[0]?.headers.authorization).toMatch(/^Basic /);
  });

  it('a Tomcat without the JSON is a usage error naming its version and those that have it, asked once', async () => {
    answerPages({
      '/manager/status/all': {
        type: 'text/html;charset=utf-8',
        body: fixture('status/status-all-9.0.70.html'),
      },
      '/manager/text/serverinfo': {
        type: 'text/plain;charset=utf-8',
        body: fixture('status/serverinfo-9.0.70.txt'),
      },
    });
    const web1 = client();
    const failure = await web1.serverMetrics().catch((error: unknown) => error);
    expect(failure).toMatchObject({
      name: 'UsageError',
      code: ErrorCode.usage,
      message:
        'web1 has no status page in JSON (it runs Apache Tomcat/9.0.70 (Debian)): per-version metrics need Tomcat 8.5.96, 9.0.83, 10.1.16 or 11.0.0 or later.',
    });
    await expect(web1.serverMetrics()).rejects.toBe(failure);
    expect(mock.requests.map((request) => request.url)).toEqual([
      '/manager/status/all?JSON=true',
      '/manager/text/serverinfo',
    ]);
  });

  it('a 403 on the status page (a proxy that lets /text through) names that URL', async () => {
    answerPages({
      '/manager/status/all': {
        status: 403,
        type: 'text/html',
        body: fixture('status/status-all-10.1-no-role-403.html'),
      },
    });
    await expect(client().serverMetrics()).rejects.toMatchObject({
      code: ErrorCode.forbidden,
      url: `${mock.origin}/manager/status/all`,
      message: expect.stringContaining(`status page ${mock.origin}/manager/status/all (HTTP 403)`),
    });
  });

  it('truncated JSON is E_PROTOCOL', async () => {
    answerPages({
      '/manager/status/all': {
        type: 'application/json',
        body: fixture('status/status-all-10.1.json').slice(0, 900),
      },
    });
    await expect(client().serverMetrics()).rejects.toMatchObject({ code: ErrorCode.protocol });
  });
});

describe('findLeaks', () => {
  let client: ManagerClient;
  beforeEach(() => {
    client = clientOf({ retries: 2, retryDelayMs: 10, timeoutMs: 2_000 });
  });

  /** The stand-in answers every request with the recorded `file`. */
  const answerRecorded = (file: string) => mock.handle((_req, res) => res.end(fixture(file)));

  it('asks with statusLine=true, a GET, and returns the paths once each', async () => {
    answerRecorded('findleaks-two-versions.txt');
    expect(await client.findLeaks()).toEqual({ leakedPaths: ['/leaky', '/other'] });
    expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /manager/text/findleaks?statusLine=true',
    ]);
  });

  it('no leaks (recorded on both lines)', async () => {
    for (const file of ['findleaks-statusline.txt', 'tomcat9/findleaks-tidy-undeployed.txt']) {
      answerRecorded(file);
      expect(await client.findLeaks()).toEqual({ leakedPaths: [] });
    }
  });

  it('an empty 200 answer is not read as "no leaks": it asked for the status line', async () => {
    answerRecorded('findleaks-empty.txt');
    await expect(client.findLeaks()).rejects.toMatchObject({ code: ErrorCode.notManager });
  });

  it('is a read: a 503 is retried', async () => {
    mock.handle((_req, res, index) => {
      res.statusCode = index === 0 ? 503 : 200;
      res.end(index === 0 ? 'Service Unavailable' : fixture('findleaks-one-leak.txt'));
    });
    expect(await client.findLeaks()).toEqual({ leakedPaths: ['/leaky'] });
    expect(mock.requests).toHaveLength(2);
  });
});

describe('answers that are not what the Manager text API writes', () => {
  let client: ManagerClient;

  beforeEach(() => {
    client = clientOf({ retries: 2, retryDelayMs: 5, timeoutMs: 2_000 });
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

  // Regression (found by the property tests of manager-request.test.ts): a lone surrogate made buildCommandUrl throw a URIError.
  it('a path with an unpaired surrogate → E_USAGE, nothing sent', async () => {
    await failureOf(client.stop({ path: '/shop\uD800', version: '001' }), usage);
    await failureOf(client.sessions({ path: '/\uDC00', version: '' }), usage);
    expect(mock.requests).toHaveLength(0);
  });
});

describe("the release lock's records (docs/lock.md)", () => {
  const client = () => clientOf({ retries: 0 });
  const LOCK_LINE =
    '/tomcat-pd-lock/app/shop/L1~3fa9c2d1e0~20261207T230500Z~20261207T232000Z~deploy~alice@ci7:running:0:tomcat-pd-lock#app#shop#L1~3fa9c2d1e0~20261207T230500Z~20261207T232000Z~deploy~alice@ci7';
  const answerList = () =>
    mock.handle((_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'text/plain;charset=utf-8',
        Date: 'Mon, 07 Dec 2026 22:57:02 GMT',
      });
      res.end(
        `${LIST_STATUS}/shop:running:1:shop##001\n${LOCK_LINE}\n/tomcat-pd-lock:running:0:tomcat-pd-lock\n`,
      );
    });

  it('list() gives the apps only: no app view ever sees a lock context', async () => {
    answerList();
    expect((await client().list()).map((entry) => entry.path)).toEqual(['/shop']);
  });

  it("listAll() gives every context with the server's clock from the Date header", async () => {
    answerList();
    const { entries, date } = await client().listAll();
    expect(entries.map((entry) => entry.path)).toEqual(['/shop', LOCK_LINE.split(':')[0], '/tomcat-pd-lock']);
    expect(date).toEqual(new Date('2026-12-07T22:57:02Z'));
  });

  it('deployBytes() PUTs the bytes to deploy at the path, never with update', async () => {
    mock.handle((_req, res) =>
      res.end('OK - Deployed application at context path [/tomcat-pd-lock/target/x]\n'),
    );
    const war = new Uint8Array([1, 2, 3]);
    expect(await client().deployBytes({ path: '/tomcat-pd-lock/target/x', war })).toContain('Deployed');
    const [request] = mock.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe('/manager/text/deploy?path=%2Ftomcat-pd-lock%2Ftarget%2Fx');
    expect(request?.bodyBytes).toBe(3);
  });
});
