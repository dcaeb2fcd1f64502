import { createReadStream } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { startStallWatchdog } from './stall-watchdog.js';

/** Progress of one upload: `uploading` while bytes move, then `starting` while Tomcat starts the context. */
export interface UploadProgress {
  phase: 'uploading' | 'starting';
  sentBytes: number;
  totalBytes: number;
}

export interface UploadOptions {
  headers: Record<string, string>;
  onProgress?: (progress: UploadProgress) => void;
  /** Abort when no byte has moved for this long (default 30 s). */
  stallTimeoutMs?: number;
  /** After the last byte, how long Tomcat may take to start the context and answer (default 10 min). */
  startTimeoutMs?: number;
  signal?: AbortSignal;
  agent?: http.Agent;
}

export interface RawAnswer {
  status: number;
  body: string;
  location?: string;
}

/** Raised (as `code`) when the watchdog aborts a stalled upload. */
export const STALLED = 'ERR_STALLED';

/**
 * Streams a file as the body of a PUT and resolves with the raw answer. The file is never held
 * in memory: node:http with a pipeline keeps RSS flat, where axios (follow-redirects) buffers
 * every chunk for a possible replay (STACK.md: 359 MB RSS for a 300 MB WAR).
 */
export async function putFile(
  url: URL,
  file: { path: string; size: number },
  options: UploadOptions,
): Promise<RawAnswer> {
  const totalBytes = file.size;
  const controller = new AbortController();
  const abortFromCaller = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abortFromCaller, { once: true });
  const stallError = Object.assign(new Error('no progress within the stall time-out'), { code: STALLED });
  const watchdog = startStallWatchdog(options.stallTimeoutMs ?? 30_000, () => controller.abort(stallError));
  const request = (url.protocol === 'https:' ? https : http).request(url, {
    method: 'PUT',
    headers: {
      ...options.headers,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(totalBytes),
    },
    signal: controller.signal,
    ...(options.agent ? { agent: options.agent } : {}),
  });
  const body = createReadStream(file.path, { highWaterMark: 256 * 1024 });
  const answer = readAnswer(request, () => watchdog.touch()).then((result) => {
    // An answer before the whole body was sent is a refusal (401, 403, ...): stop sending.
    if (!request.writableFinished) {
      body.destroy();
      request.destroy();
    }
    return result;
  });
  let sentBytes = 0;
  body.on('data', (chunk) => {
    sentBytes += chunk.length;
    watchdog.touch();
    options.onProgress?.({ phase: 'uploading', sentBytes, totalBytes });
  });
  request.on('finish', () => {
    watchdog.rearm(options.startTimeoutMs ?? 600_000);
    options.onProgress?.({ phase: 'starting', sentBytes, totalBytes });
  });
  try {
    // An early answer (a 401 before the body was read) can break the pipe: the answer wins.
    const [, result] = await Promise.allSettled([pipeline(body, request), answer]);
    if (result.status === 'fulfilled') return result.value;
    throw controller.signal.aborted ? controller.signal.reason : result.reason;
  } finally {
    watchdog.stop();
    options.signal?.removeEventListener('abort', abortFromCaller);
  }
}

function readAnswer(request: http.ClientRequest, onData: () => void): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        onData();
      });
      response.on('error', reject);
      response.on('end', () => {
        const location = response.headers.location;
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          ...(location ? { location } : {}),
        });
      });
    });
  });
}
