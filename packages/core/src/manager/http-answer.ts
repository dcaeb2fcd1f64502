import type http from 'node:http';

/** What came back from one request, before any interpretation. */
export interface RawAnswer {
  status: number;
  body: string;
  location?: string;
}

/**
 * Collects the answer to `request`. The body is decoded as UTF-8 with a leading byte order mark
 * dropped (the Manager writes UTF-8; a BOM from a proxy must not reach the parsers).
 * `onData` is called for every chunk that arrives (the upload's stall watchdog).
 */
export function readAnswer(request: http.ClientRequest, onData?: () => void): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        onData?.();
      });
      response.on('error', reject);
      response.on('end', () => {
        const location = response.headers.location;
        resolve({
          status: response.statusCode ?? 0,
          body: new TextDecoder('utf-8').decode(Buffer.concat(chunks)),
          ...(location ? { location } : {}),
        });
      });
    });
  });
}
