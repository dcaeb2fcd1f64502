import http from 'node:http';
import https from 'node:https';
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
}

/**
 * One GET with node:http. Redirects are not followed: a Manager URL should not redirect, and
 * the caller names the new URL instead. A time-out fails with code `ERR_NO_ANSWER`.
 */
export async function getText(url: URL, options: GetOptions): Promise<RawAnswer> {
  const { headers, signal, agent } = options;
  const request = (url.protocol === 'https:' ? https : http).get(url, { headers, signal, agent });
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
  }
}
