import { createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the mock saw of one request. `bodyBytes`/`bodySha256` are set once the helper read the body. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bodyBytes?: number;
  bodySha256?: string;
}

/** `index` counts requests from 0; `body` is empty when the handler was installed with `readBody: false`. */
export type MockHandler = (req: IncomingMessage, res: ServerResponse, index: number, body: Buffer) => void;

export interface MockManager {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  /** Sets the handler; with `readBody: false` the handler gets the request unread (to stall or ignore it). */
  handle(handler: MockHandler, options?: { readBody?: boolean }): void;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1, port 0: failures a real Tomcat cannot produce on demand. */
export async function startMockManager(): Promise<MockManager> {
  let handler: MockHandler = (_req, res) => res.end('OK - mock\n');
  let readBody = true;
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const index = requests.length;
    const record: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
    requests.push(record);
    const current = handler;
    if (!readBody) return current(req, res, index, Buffer.alloc(0));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      record.bodyBytes = body.length;
      record.bodySha256 = createHash('sha256').update(body).digest('hex');
      current(req, res, index, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle(next, options = {}) {
      handler = next;
      readBody = options.readBody ?? true;
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port on which nothing listens: a server is started and closed at once. */
export async function closedPort(): Promise<number> {
  const mock = await startMockManager();
  await mock.close();
  return mock.port;
}
