import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendToWebhooks } from '../../src/events/webhook.js';

interface Received {
  method: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/** A local webhook: `answer` says what the n-th request (from 1) gets; what it got is recorded. */
async function receiver(
  answer: (n: number, response: ServerResponse) => void,
): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method,
        contentType: request.headers['content-type'],
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      answer(received.length, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // A path with a token, as Slack's: it must never appear in a failure.
  return { url: `http://127.0.0.1:${port}/services/T000/B000/secret-token`, received };
}

const status = (code: number) => (_n: number, response: ServerResponse) => response.writeHead(code).end();
const DOCUMENT = { event: 'deploy', phase: 'start', text: 'tomcat-pd deploy /shop by a@b: started' };

describe('sendToWebhooks', () => {
  it('POSTs the document as JSON to every URL', async () => {
    const [one, two] = await Promise.all([receiver(status(200)), receiver(status(204))]);
    const failures = await sendToWebhooks([one.url, two.url], DOCUMENT, { budgetMs: 2000 });
    expect(failures).toEqual([]);
    for (const { received } of [one, two]) {
      expect(received).toEqual([{ method: 'POST', contentType: 'application/json', body: DOCUMENT }]);
    }
  });

  it('tries again after a 500, with back-off, and succeeds', async () => {
    const hook = await receiver((n, response) => response.writeHead(n < 3 ? 500 : 200).end());
    const failures = await sendToWebhooks([hook.url], DOCUMENT, { budgetMs: 3000, backoffMs: 50 });
    expect(failures).toEqual([]);
    expect(hook.received).toHaveLength(3);
  });

  it('gives up after the tries on a webhook that keeps failing: its origin only, never its path', async () => {
    const hook = await receiver(status(500));
    const failures = await sendToWebhooks([hook.url], DOCUMENT, { budgetMs: 3000, backoffMs: 20 });
    expect(hook.received).toHaveLength(3);
    expect(failures).toEqual([{ origin: new URL(hook.url).origin, problem: 'HTTP 500 (try 3 of 3)' }]);
    expect(JSON.stringify(failures)).not.toContain('secret-token');
  });

  it('does not try again after an answer that will not change (404)', async () => {
    const hook = await receiver(status(404));
    const failures = await sendToWebhooks([hook.url], DOCUMENT, { budgetMs: 3000, backoffMs: 20 });
    expect(hook.received).toHaveLength(1);
    expect(failures[0]?.problem).toBe('HTTP 404 (try 1 of 3)');
  });

  it('holds the caller no longer than its budget when the webhook never answers', async () => {
    const silent = await receiver(() => {});
    const fine = await receiver(status(200));
    const started = Date.now();
    const failures = await sendToWebhooks([silent.url, fine.url], DOCUMENT, { budgetMs: 700 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(650);
    expect(took).toBeLessThan(1500);
    expect(failures).toEqual([
      { origin: new URL(silent.url).origin, problem: expect.stringMatching(/^no answer within \d+ ms/) },
    ]);
    // The other webhook got its document all the same.
    expect(fine.received).toHaveLength(1);
  });

  it('takes the status of an answer whose body never ends, and closes the connection', async () => {
    const hook = await receiver((_n, response) => {
      response.writeHead(200);
      response.write('still');
    });
    const closed = new Promise<void>((resolve) =>
      servers[0]!.on('connection', (socket) => socket.on('close', () => resolve())),
    );
    const started = Date.now();
    expect(await sendToWebhooks([hook.url], DOCUMENT, { budgetMs: 3000 })).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1000);
    await closed;
  });

  it('reports a webhook that is down (connection refused) after its tries, within the budget', async () => {
    const hook = await receiver(status(200));
    const [server] = servers.splice(0);
    await new Promise((resolve) => server!.close(resolve));
    const started = Date.now();
    const failures = await sendToWebhooks([hook.url], DOCUMENT, { budgetMs: 2000, backoffMs: 20 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(failures).toEqual([{ origin: new URL(hook.url).origin, problem: 'ECONNREFUSED (try 3 of 3)' }]);
  });
});
