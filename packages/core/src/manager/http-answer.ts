import type http from 'node:http';

/** What came back from one request, before any interpretation. */
export interface RawAnswer {
  status: number;
  body: string;
  location?: string;
  contentType?: string;
  /**
   * The answer's `Date` header: the server's clock, which Tomcat adds to every answer
   * (Http11Processor.prepareResponse). The release lock judges expiry by it (docs/lock.md).
   */
  date?: Date;
}

/** How an answer is read. */
export interface ReadOptions {
  /** Called for every chunk that arrives (the upload's stall watchdog). */
  onData?: (() => void) | undefined;
  /**
   * Keep at most this many bytes of the body and stop reading there (the answer of an app being
   * probed may be huge or never end); unlimited by default (the Manager's answers are small).
   */
  maxBodyBytes?: number | undefined;
}

/**
 * Collects the answer to `request`. The body is decoded as UTF-8 with a leading byte order mark
 * dropped (the Manager writes UTF-8; a BOM from a proxy must not reach the parsers).
 */
export function readAnswer(request: http.ClientRequest, options: ReadOptions = {}): Promise<RawAnswer> {
  const { onData, maxBodyBytes = Number.POSITIVE_INFINITY } = options;
  return new Promise((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const finish = () => {
        const { location, 'content-type': contentType, date } = response.headers;
        const serverTime = date === undefined ? Number.NaN : Date.parse(date);
        resolve({
          status: response.statusCode ?? 0,
          body: decodeUtf8(chunks),
          ...(location ? { location } : {}),
          ...(contentType ? { contentType } : {}),
          ...(Number.isNaN(serverTime) ? {} : { date: new Date(serverTime) }),
        });
      };
      response.on('data', (chunk: Buffer) => {
        onData?.();
        const room = maxBodyBytes - kept;
        chunks.push(room < chunk.length ? chunk.subarray(0, room) : chunk);
        kept += Math.min(room, chunk.length);
        if (kept >= maxBodyBytes) {
          // Enough of it: the rest is not read, and the connection is not reused.
          finish();
          request.destroy();
        }
      });
      response.on('error', reject);
      response.on('end', finish);
    });
  });
}

/** The chunks as UTF-8 text without a leading byte order mark, as `TextDecoder` gives it, without one decoder per answer. */
function decodeUtf8(chunks: Buffer[]): string {
  const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
