/**
 * A zip file read through a few windows of it held in memory. yauzl reads a file with one `read`
 * per central-directory record, per local header and per entry's data: tens of thousands of
 * round trips to the thread pool for a WAR of small classes, and the walk waited for them more
 * than it worked. The walk goes forward through two regions at once (the central directory at
 * the end, the entries from the start), so a couple of windows serve almost every read.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type yauzl from 'yauzl';
import type { RandomAccessReader, ZipFile } from 'yauzl';

/** How much of the file one read brings in. */
export const WINDOW_BYTES = 512 * 1024;
/** Windows kept, the most recently used first: the central directory, the entries, and spares. */
const WINDOWS = 4;

interface Window {
  start: number;
  /** How much of `buffer` holds the file from `start` on (less at the end of the file). */
  length: number;
  /** WINDOW_BYTES, reused for another part of the file when this window is the oldest. */
  buffer: Buffer;
}

type Yauzl = typeof yauzl;

/** Opens `path` with yauzl, read through windows; closing the zip closes the file. */
export async function openWindowed(
  library: Yauzl,
  path: string,
  options: { lazyEntries: true; autoClose: false; decodeStrings: false; validateEntrySizes: boolean },
): Promise<ZipFile> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    // A subclass of yauzl's own reader, which keeps the reference count of the streams it made.
    const Reader = windowedReader(library.RandomAccessReader);
    return await library.fromRandomAccessReaderPromise(new Reader(file, size), size, options);
  } catch (error) {
    await file.close();
    throw error;
  }
}

function windowedReader(Base: typeof RandomAccessReader) {
  return class WindowedFileReader extends Base {
    readonly #windows: Window[] = [];
    /** The reads in turn: a window may be refilled only once the bytes taken from it were copied. */
    #queue: Promise<unknown> = Promise.resolve();

    constructor(
      private readonly file: FileHandle,
      private readonly size: number,
    ) {
      super();
    }

    /** An entry's bytes: copied out of a window, or for a large one straight from the file. */
    override _readStreamForRange(start: number, end: number): Readable {
      if (end - start > WINDOW_BYTES) {
        return rangeStream(this.file, start, end);
      }
      const stream = new Readable({ read: () => undefined });
      this.#withBytes(start, end - start, (bytes) => Buffer.from(bytes)).then(
        (bytes) => {
          stream.push(bytes);
          stream.push(null);
        },
        (error: unknown) => stream.destroy(error as Error),
      );
      return stream;
    }

    // yauzl's own `read` makes a stream for every header; it passes on `bytesRead`, which
    // the typings leave out.
    override read(
      buffer: Buffer,
      offset: number,
      length: number,
      position: number,
      callback: (error: Error | null, bytesRead?: number) => void,
    ): void {
      this.#withBytes(position, length, (bytes) => bytes.copy(buffer, offset)).then(
        (bytesRead) => callback(null, bytesRead),
        (error: unknown) => callback(error as Error),
      );
    }

    override close(callback: (error: Error | null) => void): void {
      this.file.close().then(() => callback(null), callback);
    }

    /**
     * Hands `use` the bytes at `position` (fewer only at the end of the file: yauzl then says
     * "unexpected EOF"), one read at a time. The windows are reused buffers rather than new ones:
     * new ones would be garbage the collector frees late, and the walk's peak RSS rose by 36 MB.
     */
    #withBytes<T>(position: number, length: number, use: (bytes: Buffer) => T): Promise<T> {
      const result = this.#queue.then(async () => use(await this.#bytes(position, length)));
      this.#queue = result.catch(() => undefined);
      return result;
    }

    async #bytes(position: number, length: number): Promise<Buffer> {
      const end = Math.min(position + length, this.size);
      if (end - position > WINDOW_BYTES) return this.#readOnce(position, end);
      const at = this.#windows.findIndex(
        (window) => position >= window.start && end <= window.start + window.length,
      );
      const window = at >= 0 ? this.#windows.splice(at, 1)[0]! : await this.#refill(position);
      this.#windows.unshift(window);
      return window.buffer.subarray(position - window.start, end - window.start);
    }

    /** The oldest window (or a new one while there are fewer than WINDOWS), filled from `position`. */
    async #refill(position: number): Promise<Window> {
      const buffer =
        this.#windows.length < WINDOWS ? Buffer.allocUnsafe(WINDOW_BYTES) : this.#windows.pop()!.buffer;
      const length = Math.min(WINDOW_BYTES, this.size - position);
      // Nothing to read past the end (and fs.read throws on a read of 0 bytes from an empty file).
      const { bytesRead } =
        length <= 0 ? { bytesRead: 0 } : await this.file.read(buffer, 0, length, position);
      return { start: position, length: bytesRead, buffer };
    }

    /** A header larger than a window (a zip allows 64 KB names and extra fields, so not in practice). */
    async #readOnce(position: number, end: number): Promise<Buffer> {
      const buffer = Buffer.allocUnsafe(end - position);
      const { bytesRead } = await this.file.read(buffer, 0, buffer.length, position);
      return buffer.subarray(0, bytesRead);
    }
  };
}

/**
 * The bytes from `start` to `end` of the file, a window at a time. Not Node's read stream of the
 * file: destroying it closes the file whatever `autoClose` says, and yauzl destroys every entry's
 * stream, so the next entry would find the file closed.
 */
function rangeStream(file: FileHandle, start: number, end: number): Readable {
  let position = start;
  return new Readable({
    read() {
      const length = Math.min(WINDOW_BYTES, end - position);
      if (length <= 0) {
        this.push(null);
        return;
      }
      file.read(Buffer.allocUnsafe(length), 0, length, position).then(
        ({ bytesRead, buffer }) => {
          position += bytesRead;
          // At the end of the file: yauzl's byte count then says what was missing.
          this.push(bytesRead === 0 ? null : buffer.subarray(0, bytesRead));
        },
        (error: unknown) => this.destroy(error as Error),
      );
    },
  });
}
