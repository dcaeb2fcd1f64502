import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../src/errors/error-codes.js';
import { fixture } from '@tomcat-pd/testkit/recorded';
import { createManagerClient } from '../src/manager/manager-client.js';
import { startMockManager, type MockManager } from './helpers/mock-manager.js';

// The status page through the client, against a stand-in Manager that answers recorded texts
// (fixtures/status/): a real 9.0.70 and 10.1.60 answer it in the integration tests.
let mock: MockManager;
beforeEach(async () => {
  mock = await startMockManager();
});
afterEach(() => mock.close());

const client = () =>
  createManagerClient(
    { name: 'web1', url: `${mock.origin}/manager`, user: 'deployer', password: 's3cret' },
    { retries: 1, retryDelayMs: 10 },
  );

function answer(pages: Record<string, { status?: number; type: string; body: string }>) {
  mock.handle((req, res) => {
    const page = Object.entries(pages).find(([prefix]) => req.url?.startsWith(prefix))?.[1];
    res.writeHead(page === undefined ? 404 : (page.status ?? 200), {
      'Content-Type': page?.type ?? 'text/plain',
    });
    res.end(page?.body ?? '');
  });
}

describe('serverMetrics', () => {
  it('GETs /manager/status/all?JSON=true with the credentials and parses it', async () => {
    answer({
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
    answer({
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
    answer({
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
    answer({
      '/manager/status/all': {
        type: 'application/json',
        body: fixture('status/status-all-10.1.json').slice(0, 900),
      },
    });
    await expect(client().serverMetrics()).rejects.toMatchObject({ code: ErrorCode.protocol });
  });
});
