import type http from 'node:http';
import { withDefaults } from '../common/defaults.js';
import { readAnswer, type RawAnswer } from './http-answer.js';
import { httpModuleFor } from './http-module.js';
import { sendFile } from './send-file.js';
import { startStallWatchdog } from './stall-watchdog.js';

/** Progress of one upload: `uploading` while bytes move, then `starting` while Tomcat starts the context. */
export interface UploadProgress {
  phase: 'uploading' | 'starting';
  sentBytes: number;
  totalBytes: number;
}

export interface UploadOptions {
  headers: Record<string, string>;
  onProgress?: ((progress: UploadProgress) => void) | undefined;
  /**
   * Abort when no byte has moved for this long.
   * @defaultValue 30 000 (30 s)
   */
  stallTimeoutMs?: number | undefined;
  /**
   * After the last byte, how long Tomcat may take to start the context and answer.
   * @defaultValue 600 000 (10 min)
   */
  startTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  agent?: http.Agent | undefined;
}

export const UPLOAD_DEFAULTS = {
  stallTimeoutMs: 30_000,
  startTimeoutMs: 600_000,
} satisfies Partial<UploadOptions>;

/** Raised (as `code`) when the watchdog aborts a stalled upload. */
export const STALLED = 'ERR_STALLED';

/**
 * Streams a file as the body of a PUT and resolves with the raw answer. The file is never held
 * in memory (two reused 256 KB buffers, see send-file.ts); an HTTP library that follows redirects
 * buffers every chunk for a possible replay (measured with axios: 359 MB of RSS for a 300 MB WAR).
 */
export async function putFile(
  url: URL,
  file: { path: string; size: number },
  uploadOptions: UploadOptions,
): Promise<RawAnswer> {
  const options = withDefaults(uploadOptions, UPLOAD_DEFAULTS);
  const totalBytes = file.size;
  const controller = new AbortController();
  const abortFromCaller = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abortFromCaller, { once: true });
  const stallError = Object.assign(new Error('no progress within the stall time-out'), { code: STALLED });
  const watchdog = startStallWatchdog(options.stallTimeoutMs, () => controller.abort(stallError));
  const request = httpModuleFor(url).request(url, {
    method: 'PUT',
    headers: {
      ...options.headers,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(totalBytes),
    },
    signal: controller.signal,
    agent: options.agent,
  });
  const answer = readAnswer(request, { onData: () => watchdog.touch() }).then((result) => {
    // An answer before the whole body was sent is a refusal (401, 403, ...): stop sending.
    if (!request.writableFinished) request.destroy();
    return result;
  });
  let sentBytes = 0;
  const sending = sendFile(file.path, totalBytes, request, (bytes) => {
    sentBytes += bytes;
    watchdog.touch();
    options.onProgress?.({ phase: 'uploading', sentBytes, totalBytes });
  }).catch((error: unknown) => {
    // A closed request is explained by its answer or its own error; anything else (the file
    // changed, a read error) must end the request, which would otherwise wait for the rest.
    if (!request.destroyed) controller.abort(error);
    throw error;
  });
  request.on('finish', () => {
    watchdog.rearm(options.startTimeoutMs);
    options.onProgress?.({ phase: 'starting', sentBytes, totalBytes });
  });
  try {
    // An early answer (a 401 before the body was read) can break the pipe: the answer wins.
    const [, result] = await Promise.allSettled([sending, answer]);
    if (result.status === 'fulfilled') return result.value;
    throw controller.signal.aborted ? controller.signal.reason : result.reason;
  } finally {
    watchdog.stop();
    options.signal?.removeEventListener('abort', abortFromCaller);
  }
}
