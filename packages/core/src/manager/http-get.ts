import type http from 'node:http';
import { httpModuleFor } from './http-module.js';
import { readAnswer, type RawAnswer } from './http-answer.js';

/** The code of a request that got no (complete) answer within its time-out. */
export const NO_ANSWER = 'ERR_NO_ANSWER';

export interface GetOptions {
  headers: Readonly<Record<string, string>>;
  /** The whole exchange, from connecting to the last byte of the answer. */
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  agent?: http.Agent | undefined;
  /** Keep at most this many bytes of the body (see `readAnswer`). */
  maxBodyBytes?: number | undefined;
  /** `OPTIONS` asks an app whether it serves without running a page (see ManagerClient.visit). @defaultValue 'GET' */
  method?: 'GET' | 'OPTIONS' | 'PUT' | undefined;
  /** A small body sent whole (a `PUT` of the lock's record WAR); a WAR file is streamed by upload.ts instead. */
  body?: Uint8Array | undefined;
}

/**
 * One GET (or OPTIONS, or a PUT of a small body) with node:http. Redirects are not followed: a Manager URL should not redirect, and
 * the caller names the new URL instead. A time-out fails with code `ERR_NO_ANSWER`.
 */
export async function getText(url: URL, options: GetOptions): Promise<RawAnswer> {
  const { headers, signal, agent } = options;
  signal?.throwIfAborted();
  const { body } = options;
  const request = httpModuleFor(url).request(url, {
    method: options.method ?? 'GET',
    headers:
      body === undefined
        ? headers
        : { ...headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) },
    agent,
  });
  request.end(body);
  // The signal is followed by a listener of our own rather than node:http's `signal` option,
  // which also watches the request's end with stream.finished (five more listeners and their
  // closures per request): at --parallel 16 the answers of a round are handled one after the
  // other on this thread, and each one's work delays the next request (bench/RESULTS.md: scale).
  const onAbort = () => request.destroy(abortError(signal!.reason));
  signal?.addEventListener('abort', onAbort, { once: true });
  // A plain timer, not AbortSignal.timeout/any: a drain loop's signal lives for days, and every
  // request would otherwise hang one more combined signal on it.
  const timer = setTimeout(() => {
    const error = new Error(`no answer within ${options.timeoutMs} ms`);
    request.destroy(Object.assign(error, { code: NO_ANSWER }));
  }, options.timeoutMs);
  try {
    return await readAnswer(request, { maxBodyBytes: options.maxBodyBytes });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** What node:http's `signal` option destroys a request with; callers check `signal.aborted` first. */
function abortError(reason: unknown): Error {
  return Object.assign(new Error('The operation was aborted', { cause: reason }), {
    name: 'AbortError',
    code: 'ABORT_ERR',
  });
}
