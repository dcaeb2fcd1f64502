import { createHash, randomBytes } from 'node:crypto';
import { truncateSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../../src/errors/error-classes.js';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { isTomcatPdError, type TomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { ManagerTransport, type TransportOptions } from '../../src/manager/transport.js';
import type { UploadProgress } from '../../src/manager/upload.js';
import { closedPort, startMockManager, type MockManager } from '../helpers/mock-manager.js';

const USER = 'deployer';
const PASSWORD = 'S3cret:p@ss';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const LIST_OK = 'OK - Listed applications for virtual host [localhost]\n/shop:running:0:shop##001\n';

let mock: MockManager;
let transport: ManagerTransport;
let logged: string[];

// The stand-in's sockets are real, and so is the clock here: a time-out, a stall or an abort races
// real I/O (an answer held back by the stand-in, a body it stops reading), so the waits are real
// and short (50 ms to 3 s), and a test bounds how long a failure took rather than its exact time.
function makeTransport(origin: string, options: TransportOptions = {}): ManagerTransport {
  return new ManagerTransport(
    { url: `${origin}/manager`, user: USER, password: PASSWORD },
    {
      retries: 2,
      retryDelayMs: 10,
      timeoutMs: 500,
      logger: { debug: (message) => logged.push(message) },
      ...options,
    },
  );
}

beforeEach(async () => {
  logged = [];
  mock = await startMockManager();
  transport = makeTransport(mock.origin);
});

afterEach(async () => {
  await mock.close();
});

/** Neither the password nor its Basic value in any rendering of the error, the transport or the log. */
function expectNoSecret(error: Error, ...more: unknown[]): void {
  const texts = [
    inspect(error, { depth: 10 }),
    inspect(error, { depth: 10, showHidden: true }),
    JSON.stringify(error),
    String(error),
    error.stack ?? '',
    inspect(transport, { depth: 10, showHidden: true }),
    JSON.stringify(transport),
    ...more.map((value) => inspect(value, { depth: 10, showHidden: true })),
    ...logged,
  ];
  for (const text of texts) {
    expect(text).not.toContain('S3cret');
    expect(text).not.toContain(BASIC);
  }
}

/** The rejection of `promise`, checked to be a secret-free TomcatPdError. */
async function failureOf(promise: Promise<unknown>): Promise<TomcatPdError> {
  const error: unknown = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  expect(isTomcatPdError(error), inspect(error)).toBe(true);
  expectNoSecret(error as Error);
  return error as TomcatPdError;
}

const retryLines = () => logged.filter((line) => line.includes('retrying'));

describe('requests on the wire', () => {
  it('GETs with Accept-Language: en and pre-emptive Basic auth, never HEAD', async () => {
    mock.handle((_req, res) => res.end(LIST_OK));
    expect(await transport.read('list')).toBe(LIST_OK);
    await transport.command('stop', { path: '/shop', version: '001' });
    await transport.read('sessions', { path: '/a b' });
    expect(mock.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /manager/text/list',
      'GET /manager/text/stop?path=%2Fshop&version=001',
      'GET /manager/text/sessions?path=%2Fa%20b',
    ]);
    for (const request of mock.requests) {
      expect(request.headers['accept-language']).toBe('en');
      expect(request.headers.authorization).toBe(`Basic ${BASIC}`);
      expect(request.headers['user-agent']).toBe('tomcat-pd');
    }
  });

  it('returns a 200 body as text even when it looks like JSON', async () => {
    mock.handle((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end('{"a":1}');
    });
    const body = await transport.read('serverinfo');
    expect(typeof body).toBe('string');
    expect(body).toBe('{"a":1}');
  });

  it('returns the body verbatim, \\r\\n and all', async () => {
    mock.handle((_req, res) => res.end('OK - Server info\r\nTomcat Version: [Apache Tomcat/10.1.34]\r\n'));
    expect(await transport.command('serverinfo')).toBe(
      'OK - Server info\r\nTomcat Version: [Apache Tomcat/10.1.34]\r\n',
    );
  });

  it('does not show the password in util.inspect of the transport', () => {
    expect(inspect(transport, { depth: 10, showHidden: true })).toContain(USER);
    expectNoSecret(new Error('none'));
  });
});

describe('HTTP status errors', () => {
  it('401 → E_AUTH naming the user, with a lock-out hint, never retried', async () => {
    mock.handle((_req, res) => {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="Tomcat Manager Application"' });
      res.end('<html>401</html>');
    });
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_AUTH');
    expect(error.status).toBe(401);
    expect(error.message).toContain(`'${USER}'`);
    expect(error.hint).toMatch(/lock/i);
    expect(mock.requests).toHaveLength(1);
    expect(retryLines()).toEqual([]);
  });

  it('403 → E_FORBIDDEN naming both causes, not retried', async () => {
    mock.handle((_req, res) => {
      res.statusCode = 403;
      res.end('<html>403 Access Denied</html>');
    });
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_FORBIDDEN');
    expect(error.status).toBe(403);
    expect(error.hint).toContain('manager-script');
    expect(error.hint).toMatch(/RemoteAddrValve|address/);
    expect(mock.requests).toHaveLength(1);
  });

  it('404 → E_NOT_MANAGER', async () => {
    mock.handle((_req, res) => {
      res.statusCode = 404;
      res.end('Not Found');
    });
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_NOT_MANAGER');
    expect(error.status).toBe(404);
    expect(error.message).toContain(`${mock.origin}/manager`);
    expect(mock.requests).toHaveLength(1);
  });

  it('302 → E_NOT_MANAGER naming the location, not followed', async () => {
    const location = `${mock.origin}/elsewhere/manager/text/list`;
    mock.handle((_req, res) => {
      res.writeHead(302, { Location: location });
      res.end();
    });
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_NOT_MANAGER');
    expect(error.status).toBe(302);
    expect(error.message).toContain(location);
    expect(mock.requests.map((r) => r.url)).toEqual(['/manager/text/list']);
  });

  it('503 on a read is retried and succeeds when the server heals on the 3rd attempt', async () => {
    mock.handle((_req, res, index) => {
      res.statusCode = index < 2 ? 503 : 200;
      res.end(index < 2 ? 'Service Unavailable' : LIST_OK);
    });
    expect(await transport.read('list')).toBe(LIST_OK);
    expect(mock.requests).toHaveLength(3);
    expect(new Set(mock.requests.map((r) => `${r.method} ${r.url} ${r.headers.authorization}`)).size).toBe(1);
    expect(retryLines()).toHaveLength(2);
  });

  it('500 on a read → E_SERVER after exhausting the retries', async () => {
    mock.handle((_req, res) => {
      res.statusCode = 500;
      res.end('boom');
    });
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_SERVER');
    expect(error.status).toBe(500);
    expect(mock.requests).toHaveLength(3);
  });

  it('503 on a command (a state-changing GET) is never retried', async () => {
    mock.handle((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const error = await failureOf(transport.command('undeploy', { path: '/shop', version: '001' }));
    expect(error.code).toBe('E_SERVER');
    expect(error.status).toBe(503);
    expect(mock.requests).toHaveLength(1);
  });
});

describe('network errors', () => {
  it('connection refused → E_CONNECT, retried `retries` times for a read', async () => {
    transport = makeTransport(`http://127.0.0.1:${await closedPort()}`);
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toContain('connection refused');
    expect(error.cause).toMatchObject({ code: 'ECONNREFUSED' });
    expect(retryLines()).toHaveLength(2);
  });

  it('connection refused on a command → E_CONNECT, not retried', async () => {
    transport = makeTransport(`http://127.0.0.1:${await closedPort()}`);
    const error = await failureOf(transport.command('stop', { path: '/shop' }));
    expect(error.code).toBe('E_CONNECT');
    expect(retryLines()).toEqual([]);
  });

  it('a socket destroyed before any answer → E_CONNECT, retried for a read', async () => {
    mock.handle((req) => req.socket.destroy());
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_CONNECT');
    expect(error.cause).toMatchObject({ code: 'ECONNRESET' });
    expect(mock.requests).toHaveLength(3);
  });

  it('a read heals after one destroyed socket', async () => {
    mock.handle((req, res, index) => (index === 0 ? req.socket.destroy() : res.end(LIST_OK)));
    expect(await transport.read('list')).toBe(LIST_OK);
    expect(mock.requests).toHaveLength(2);
  });

  it('an answer cut off in the middle of its body → E_CONNECT, never a half list', async () => {
    mock.handle((req, res) => {
      res.writeHead(200, { 'Content-Length': String(LIST_OK.length) });
      res.write(LIST_OK.slice(0, 20), () => req.socket.destroy());
    });
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_CONNECT');
    expect(error.cause).toMatchObject({ code: 'ECONNRESET' });
    expect(mock.requests).toHaveLength(3);
  });

  it('a destroyed socket on a command is not retried', async () => {
    mock.handle((req) => req.socket.destroy());
    const error = await failureOf(transport.command('undeploy', { path: '/shop' }));
    expect(error.code).toBe('E_CONNECT');
    expect(mock.requests).toHaveLength(1);
  });

  it('an answer slower than timeoutMs → E_CONNECT mentioning the time-out', async () => {
    mock.handle((_req, res) => setTimeout(() => res.end(LIST_OK), 3_000));
    const started = Date.now();
    const error = await failureOf(transport.command('list'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toMatch(/timed out|time-?out/i);
  });

  it("https:// to a plain HTTP port → E_CONNECT saying so in one line, not OpenSSL's text", async () => {
    const error = await failureOf(makeTransport(mock.origin.replace('http:', 'https:')).read('list'));
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toBe(
      `Cannot reach the Manager at ${mock.origin.replace('http:', 'https:')}/manager (list): the port answered in plain HTTP, not TLS (use http:// for this port, or the HTTPS port).`,
    );
  });

  it('a read that times out on every attempt names the wait, the attempts and the flags in its hint', async () => {
    mock.handle((_req, res) => setTimeout(() => res.end(LIST_OK), 3_000));
    const error = await failureOf(transport.read('list'));
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toContain('sent no answer in time');
    expect(error.hint).toBe(
      'Tomcat may be overloaded or hung: check its logs. Each request waits 0.5 s (the timeoutMs option) and a read is tried 3 times (the retries option).',
    );
    expect(mock.requests).toHaveLength(3);
  });

  it('an AbortSignal aborted mid-request → E_ABORTED, not retried', async () => {
    mock.handle(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await failureOf(transport.read('list', {}, controller.signal));
    expect(error.code).toBe('E_ABORTED');
    expect(mock.requests).toHaveLength(1);
  });

  it('an AbortSignal aborted before a command → E_ABORTED, nothing sent', async () => {
    const error = await failureOf(transport.command('undeploy', { path: '/shop' }, AbortSignal.abort()));
    expect(error.code).toBe('E_ABORTED');
    expect(mock.requests).toHaveLength(0);
  });

  // p-retry rejects with the raw `signal.reason` (a DOMException) when the signal fires during the
  // back-off between attempts; read() must still reject with E_ABORTED.
  it('an AbortSignal aborted during the back-off of a read → E_ABORTED', async () => {
    transport = makeTransport(mock.origin, { retryDelayMs: 2_000 });
    mock.handle((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const error = await failureOf(transport.read('list', {}, controller.signal));
    expect(error.code).toBe('E_ABORTED');
  });
});

describe('upload', () => {
  let directory: string;
  let war: string;
  let warSha256: string;
  const warBytes = 5 * 1024 * 1024;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tomcat-pd-transport-'));
    war = join(directory, 'shop.war');
    const content = randomBytes(warBytes);
    warSha256 = createHash('sha256').update(content).digest('hex');
    await writeFile(war, content);
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function bigFile(name: string, megabytes: number): Promise<string> {
    const file = join(directory, name);
    await writeFile(file, Buffer.alloc(megabytes * 1024 * 1024, 7));
    return file;
  }

  it('streams the file with its Content-Length, reports progress, returns the answer', async () => {
    const answer = 'OK - Deployed application at context path [/shop##002]\n';
    mock.handle((_req, res) => res.end(answer));
    const progress: UploadProgress[] = [];
    const body = await transport.upload({ path: '/shop', version: '002' }, war, {
      onProgress: (event) => progress.push({ ...event }),
    });
    expect(body).toBe(answer);

    const [request] = mock.requests;
    expect(mock.requests).toHaveLength(1);
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe('/manager/text/deploy?path=%2Fshop&version=002');
    expect(request?.headers['content-length']).toBe(String(warBytes));
    expect(request?.headers.authorization).toBe(`Basic ${BASIC}`);
    expect(request?.headers['accept-language']).toBe('en');
    expect(request?.bodyBytes).toBe(warBytes);
    expect(request?.bodySha256).toBe(warSha256);

    const uploading = progress.filter((event) => event.phase === 'uploading');
    expect(uploading.length).toBeGreaterThan(1);
    uploading
      .slice(1)
      .forEach((event, i) => expect(event.sentBytes).toBeGreaterThan(uploading[i]!.sentBytes));
    expect(uploading.at(-1)?.sentBytes).toBe(warBytes);
    expect(progress.every((event) => event.totalBytes === warBytes)).toBe(true);
    expect(progress.at(-1)).toEqual({ phase: 'starting', sentBytes: warBytes, totalBytes: warBytes });
    expect(progress.filter((event) => event.phase === 'starting')).toHaveLength(1);
  });

  it('a server that stops reading the body → E_CONNECT "stalled" within the stall time-out', async () => {
    // Larger than what the socket buffers of both ends can hold, so the body cannot be "sent" into them.
    const file = await bigFile('stall.war', 32);
    mock.handle((req) => req.pause(), { readBody: false });
    const started = Date.now();
    const error = await failureOf(
      transport.upload({ path: '/shop', version: '003' }, file, { stallTimeoutMs: 300 }),
    );
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toContain('stalled');
    expect(mock.requests).toHaveLength(1);
  }, 5_000);

  // When the server answers 401 and drops the connection with the body unread (Tomcat does so past
  // maxSwallowSize, 2 MB), the client's next write often fails with EPIPE/ECONNRESET before node:http
  // has parsed the answer (a race: about 2 in 3 runs, so the case runs 10 times). The transport then
  // asks serverinfo, which gives the real cause.
  it('a 401 answered before the body was read → E_AUTH, not a broken pipe', async () => {
    const file = await bigFile('unauthorized.war', 8);
    mock.handle(
      (req, res) => {
        const body = '<html>401 Unauthorized</html>';
        res.writeHead(401, {
          'Content-Type': 'text/html',
          'Content-Length': body.length,
          Connection: 'close',
        });
        // Like Tomcat past maxSwallowSize: answer, then drop the connection with the body unread.
        res.end(body, () => req.socket.destroy());
      },
      { readBody: false },
    );
    const codes: string[] = [];
    for (let run = 0; run < 10; run += 1) {
      const error = await failureOf(transport.upload({ path: '/shop', version: '004' }, file));
      codes.push(`${error.code} ${error.status}`);
    }
    expect(mock.requests.filter((request) => request.method === 'PUT')).toHaveLength(10);
    expect(codes).toEqual(Array<string>(10).fill('E_AUTH 401'));
  });

  it('an answer later than startTimeoutMs after the whole body → E_CONNECT "stalled"', async () => {
    mock.handle((_req, res) => setTimeout(() => res.end('OK - Deployed'), 800));
    const started = Date.now();
    const error = await failureOf(
      transport.upload({ path: '/shop', version: '005' }, war, {
        stallTimeoutMs: 5_000,
        startTimeoutMs: 200,
      }),
    );
    expect(Date.now() - started).toBeLessThan(800);
    expect(error.code).toBe('E_CONNECT');
    expect(error.message).toContain('stalled');
    expect(mock.requests[0]?.bodyBytes).toBe(warBytes);
  });

  it('an answer within startTimeoutMs is fine, even when slower than the stall time-out', async () => {
    // The answer comes well after the stall time-out; the stall time-out itself leaves the body's
    // transfer room on a loaded machine (100 ms failed once on a fresh machine under a full suite).
    mock.handle((_req, res) => setTimeout(() => res.end('OK - Deployed'), 900));
    const body = await transport.upload({ path: '/shop', version: '006' }, war, {
      stallTimeoutMs: 300,
      startTimeoutMs: 3_000,
    });
    expect(body).toBe('OK - Deployed');
  });

  it('a WAR that shrinks during the upload → E_USAGE naming it; the request is ended, not left waiting', async () => {
    const file = await bigFile('shrinking.war', 4);
    mock.handle((req) => req.resume(), { readBody: false });
    let truncated = false;
    const error = await failureOf(
      transport.upload({ path: '/shop', version: '008' }, file, {
        stallTimeoutMs: 5_000,
        onProgress: () => {
          if (!truncated) truncateSync(file, 1024);
          truncated = true;
        },
      }),
    );
    expect(error.code).toBe('E_USAGE');
    expect(error.message).toContain(`The WAR ${file} ended after`);
    expect(error.message).toContain('it changed during the upload');
  });

  it('an upload aborted by the caller → E_ABORTED', async () => {
    const file = await bigFile('aborted.war', 32);
    mock.handle((req) => req.pause(), { readBody: false });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failureOf(
      transport.upload({ path: '/shop', version: '007' }, file, {
        signal: controller.signal,
        stallTimeoutMs: 5_000,
      }),
    );
    expect(error.code).toBe('E_ABORTED');
  });

  it.each([
    [401, 'E_AUTH'],
    [403, 'E_FORBIDDEN'],
  ])('an upload answered %i after the whole body → %s', async (status, code) => {
    mock.handle((_req, res) => {
      res.statusCode = status;
      res.end('<html>denied</html>');
    });
    const error = await failureOf(transport.upload({ path: '/shop', version: '009' }, war));
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(mock.requests).toHaveLength(1);
  });

  it('a 5xx answer to an upload → E_SERVER, never retried', async () => {
    mock.handle((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
    const error = await failureOf(transport.upload({ path: '/shop', version: '008' }, war));
    expect(error.code).toBe('E_SERVER');
    expect(mock.requests).toHaveLength(1);
  });
});

// The visit of a probe: the app as a new visitor reaches it, never with the Manager's password.
describe('ManagerTransport.visit', () => {
  const visitor = (appUrl?: string) => makeTransport(mock.origin, { appUrl });
  const visitOptions = { timeoutMs: 2_000, maxBodyBytes: 64 * 1024 };

  it('GETs the path under the Manager origin by default, without credentials or cookies', async () => {
    mock.handle((_req, res) => res.end('healthy'));
    const answer = await visitor().visit('/shop/health', visitOptions);
    expect(answer).toMatchObject({ status: 200, body: 'healthy' });
    const [request] = mock.requests;
    expect(request).toMatchObject({ method: 'GET', url: '/shop/health' });
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers.cookie).toBeUndefined();
    expect(request?.headers['user-agent']).toBe('tomcat-pd probe');
  });

  it('uses the app URL given (a proxy in front of Tomcat), with its own path prefix', async () => {
    mock.handle((_req, res) => res.end('ok'));
    const visiting = visitor(`${mock.origin}/edge/`);
    expect(visiting.appUrl).toBe(`${mock.origin}/edge`);
    await visiting.visit('/shop/health', visitOptions);
    expect(mock.requests[0]?.url).toBe('/edge/shop/health');
  });

  it('does not follow a redirect, and says where it pointed', async () => {
    mock.handle((_req, res) => {
      res.writeHead(302, { location: 'http://elsewhere.example/login' });
      res.end();
    });
    const answer = await visitor().visit('/shop/health', visitOptions);
    expect(answer).toMatchObject({ status: 302, location: 'http://elsewhere.example/login' });
    expect(mock.requests).toHaveLength(1);
  });

  it('reads at most maxBodyBytes of a body that never ends', async () => {
    mock.handle((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      // No end: a chunk whenever the socket takes one, until the visitor hangs up.
      const more = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', more);
      more();
    });
    const answer = await visitor().visit('/shop/stream', { timeoutMs: 5_000, maxBodyBytes: 40_000 });
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBe(40_000);
  });

  it('no answer is a ConnectionError naming the URL, transient when refused', async () => {
    const port = await closedPort();
    const error = await visitor(`http://127.0.0.1:${port}`)
      .visit('/shop/health', visitOptions)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({
      code: ErrorCode.connect,
      networkCode: 'ECONNREFUSED',
      transient: true,
      reason: expect.stringMatching(/^connection refused/),
      message: expect.stringMatching(
        new RegExp(`^No answer from http://127\\.0\\.0\\.1:${port}/shop/health: connection refused`),
      ),
    });
  });

  it('refuses an app URL that is not http(s) or carries credentials', () => {
    expect(() => visitor('ftp://x')).toThrow(expect.objectContaining({ code: ErrorCode.usage }));
    expect(() => visitor('http://u:p@x')).toThrow(expect.objectContaining({ code: ErrorCode.usage }));
  });
});
