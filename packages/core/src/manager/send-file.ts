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
  const closed = new Promise<never>((_, reject) => {
    target.once('close', () => reject(closedEarly()));
  });
  closed.catch(() => undefined); // observed through unlessClosed; it may also fire between steps
  const unlessClosed = <T>(step: Promise<T>): Promise<T> => Promise.race([step, closed]);
  const file = await open(path, 'r');
  try {
    const buffers = takePair();
    const writes: [Promise<void>, Promise<void>] = [Promise.resolve(), Promise.resolve()];
    let sent = 0;
    for (let slot: 0 | 1 = 0; sent < size; slot = slot === 0 ? 1 : 0) {
      await unlessClosed(writes[slot]);
      const buffer = buffers[slot];
      const { bytesRead } = await file.read(buffer, 0, Math.min(CHUNK_BYTES, size - sent), sent);
      if (bytesRead === 0) throw shrunk(path, size, sent);
      sent += bytesRead;
      writes[slot] = flushed(target, buffer.subarray(0, bytesRead));
      // Awaited (through unlessClosed) before the buffer is reused; an error surfaces there.
      writes[slot].catch(() => undefined);
      onChunk(bytesRead);
    }
    await unlessClosed(Promise.all(writes));
    returnPair(buffers);
    await unlessClosed(new Promise<void>((resolve) => target.end(resolve)));
  } finally {
    await file.close();
  }
}

function flushed(target: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    target.write(chunk, (error) => (error ? reject(error) : resolve()));
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
