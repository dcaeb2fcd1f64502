import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionError } from '../src/errors/error-classes.js';
import { ErrorCode } from '../src/errors/error-codes.js';
import { ManagerTransport } from '../src/manager/transport.js';
import { closedPort, startMockManager, type MockManager } from './helpers/mock-manager.js';

// The visit of a probe: the app as a new visitor reaches it, never with the Manager's password.
let mock: MockManager;

beforeEach(async () => {
  mock = await startMockManager();
});
afterEach(async () => {
  await mock.close();
});

function transport(appUrl?: string): ManagerTransport {
  return new ManagerTransport(
    { url: `${mock.origin}/manager`, user: 'deployer', password: 'S3cret' },
    { appUrl },
  );
}

const visitOptions = { timeoutMs: 2_000, maxBodyBytes: 64 * 1024 };

describe('ManagerTransport.visit', () => {
  it('GETs the path under the Manager origin by default, without credentials or cookies', async () => {
    mock.handle((_req, res) => res.end('healthy'));
    const answer = await transport().visit('/shop/health', visitOptions);
    expect(answer).toMatchObject({ status: 200, body: 'healthy' });
    const [request] = mock.requests;
    expect(request).toMatchObject({ method: 'GET', url: '/shop/health' });
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.headers.cookie).toBeUndefined();
    expect(request?.headers['user-agent']).toBe('tomcat-pd probe');
  });

  it('uses the app URL given (a proxy in front of Tomcat), with its own path prefix', async () => {
    mock.handle((_req, res) => res.end('ok'));
    const visiting = transport(`${mock.origin}/edge/`);
    expect(visiting.appUrl).toBe(`${mock.origin}/edge`);
    await visiting.visit('/shop/health', visitOptions);
    expect(mock.requests[0]?.url).toBe('/edge/shop/health');
  });

  it('does not follow a redirect, and says where it pointed', async () => {
    mock.handle((_req, res) => {
      res.writeHead(302, { location: 'http://elsewhere.example/login' });
      res.end();
    });
    const answer = await transport().visit('/shop/health', visitOptions);
    expect(answer).toMatchObject({ status: 302, location: 'http://elsewhere.example/login' });
    expect(mock.requests).toHaveLength(1);
  });

  it('reads at most maxBodyBytes of a body that never ends', async () => {
    mock.handle((_req, res) => {
      res.writeHead(200);
      const chunk = Buffer.alloc(16 * 1024, 'a');
      const timer = setInterval(() => res.write(chunk), 1);
      res.on('close', () => clearInterval(timer));
    });
    const answer = await transport().visit('/shop/stream', { timeoutMs: 5_000, maxBodyBytes: 40_000 });
    expect(answer.status).toBe(200);
    expect(answer.body.length).toBe(40_000);
  });

  it('no answer is a ConnectionError naming the URL, transient when refused', async () => {
    const port = await closedPort();
    const error = await transport(`http://127.0.0.1:${port}`)
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
    expect(() => transport('ftp://x')).toThrow(expect.objectContaining({ code: ErrorCode.usage }));
    expect(() => transport('http://u:p@x')).toThrow(expect.objectContaining({ code: ErrorCode.usage }));
  });
});
