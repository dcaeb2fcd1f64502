import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { usageError } from '../errors/error-classes.js';
import type { TomcatPdError } from '../errors/tomcat-pd-error.js';

/**
 * Bytes read and written at a time; two such buffers are all the memory an upload needs. 256 KB
 * keeps pace with curl on one upload and holds a fleet deploy with --parallel 16 to 8 MB of
 * buffers (bench/RESULTS.md: deploy, scale).
 */
export const CHUNK_BYTES = 256 * 1024;

type BufferPair = readonly [Buffer, Buffer];

// The pairs of uploads that ended with every write flushed, for the next uploads: a fleet deploy
// to 200 targets then holds `parallel` pairs, not one per target until the collector runs
// (bench/RESULTS.md: scale). A pair whose upload broke off is dropped (a write may still hold it).
const idle: BufferPair[] = [];
const MAX_IDLE_PAIRS = 16;

function takePair(): BufferPair {
  return idle.pop() ?? [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
}

function returnPair(pair: BufferPair): void {
  if (idle.length < MAX_IDLE_PAIRS) idle.push(pair);
}

/**
 * Writes the first `size` bytes of a file to `target` (an HTTP request) through two buffers
 * that are reused, and ends it. A read stream would allocate a fresh buffer per chunk, and the
 * garbage collector lets tens of MB of them pile up before it runs (bench/RESULTS.md: peak RSS).
 * A buffer is read into again only once its previous write has been flushed to the socket, and
 * the next read overlaps the write of the other buffer.
 *
 * Rejects when `target` closes before the last byte was flushed (a refusal, an abort, a reset):
 * a destroyed request does not always call back its pending writes.
 */
export async function sendFile(
  path: string,
  size: number,
  target: Writable,
  onChunk: (bytes: number) => void,
): Promise<void> {
  const file = await open(path, 'r');
  try {
    await pump(file.fd, path, size, target, onChunk);
  } finally {
    await file.close();
  }
}

/**
 * The loop of {@link sendFile}, driven by the write callbacks: a chunk is read and written
 * whenever a buffer is free, with no promise per chunk (a 300 MB upload has 1 200 chunks, and
 * their promises, races and closures were garbage enough to grow the young heap, the largest
 * part of the peak RSS that grew with the WAR's size).
 *
 * Each chunk is read on this thread, as curl does: a WAR just built is in the page cache, where
 * a 256 KB read takes tens of microseconds, and handing every read to the thread pool and back
 * cost more CPU than the read itself: 320-440 ms of CPU for a 300 MB upload through
 * `FileHandle.read`, 130-210 ms this way. On two cores shared with Tomcat that CPU is wall time.
 */
function pump(
  fd: number,
  path: string,
  size: number,
  target: Writable,
  onChunk: (bytes: number) => void,
): Promise<void> {
  // Not imported: as an ES module, node:fs loads its streams too, on every start of the CLI.
  const { readSync } = process.getBuiltinModule('node:fs');
  return new Promise((resolve, reject) => {
    const buffers = takePair();
    const free: (0 | 1)[] = [0, 1];
    let sent = 0;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      target.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onClose = () => settle(closedEarly());
    const next = () => {
      if (settled) return;
      try {
        while (free.length > 0 && sent < size) {
          const slot = free.pop()!;
          const buffer = buffers[slot];
          const bytesRead = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, size - sent), sent);
          if (bytesRead === 0) throw shrunk(path, size, sent);
          sent += bytesRead;
          target.write(buffer.subarray(0, bytesRead), flushed[slot]);
          onChunk(bytesRead);
        }
      } catch (error) {
        // A read error, the file shrinking, or a throw from onChunk (the caller's progress).
        settle(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (sent < size || free.length < 2) return;
      // Every write flushed: the buffers may serve the next upload.
      returnPair(buffers);
      target.end(() => settle());
    };
    // One callback per buffer, made once: a buffer is free again when its write was flushed.
    const flushed = ([0, 1] as const).map((slot) => (error?: Error | null) => {
      if (error) {
        settle(error);
        return;
      }
      free.push(slot);
      next();
    });
    target.once('close', onClose);
    next();
  });
}

function closedEarly(): Error {
  return Object.assign(new Error('the connection closed before the whole file was sent'), {
    code: 'EPIPE',
  });
}

function shrunk(path: string, size: number, sent: number): TomcatPdError {
  return usageError(
    `The WAR ${path} ended after ${sent} of its ${size} bytes: it changed during the upload.`,
    'Deploy a WAR that nothing writes to any more (build it first, then deploy).',
  );
}
