/**
 * A zip file read through a few windows of it held in memory. yauzl reads a file with one `read`
 * per central-directory record, per local header and per entry's data: tens of thousands of
 * round trips to the thread pool for a WAR of small classes, and the walk waited for them more
 * than it worked. The walk goes forward through two regions at once (the central directory at
 * the end, the entries from the start), so a couple of windows serve almost every read.
 */
import { close, fstat, open, read } from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type yauzl from 'yauzl';
import type { RandomAccessReader, ZipFile } from 'yauzl';

/** How much of the file one read brings in. */
export const WINDOW_BYTES = 512 * 1024;
/** Windows kept, the most recently used first: the central directory, the entries, and spares. */
const WINDOWS = 4;

interface Window {
  start: number;
  data: Buffer;
}

type Yauzl = typeof yauzl;

/** Opens `path` with yauzl, read through windows; closing the zip closes the file. */
export async function openWindowed(
  library: Yauzl,
  path: string,
  options: { lazyEntries: true; autoClose: false; decodeStrings: false; validateEntrySizes: boolean },
): Promise<ZipFile> {
  const file = await promisify(open)(path, 'r');
  try {
    const { size } = await promisify(fstat)(file);
    // A subclass of yauzl's own reader, which keeps the reference count of the streams it made.
    const Reader = windowedReader(library.RandomAccessReader);
    return await library.fromRandomAccessReaderPromise(new Reader(file, size), size, options);
  } catch (error) {
    await promisify(close)(file);
    throw error;
  }
}

function windowedReader(Base: typeof RandomAccessReader) {
  return class WindowedFileReader extends Base {
    readonly #windows: Window[] = [];

    constructor(
      private readonly file: number,
      private readonly size: number,
    ) {
      super();
    }

    /** An entry's bytes: from a window, or for a large one straight from the file. */
    override _readStreamForRange(start: number, end: number): Readable {
      if (end - start > WINDOW_BYTES) {
        return rangeStream(this.file, start, end);
      }
      const stream = new Readable({ read: () => undefined });
      this.#bytes(start, end - start).then(
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
      this.#bytes(position, length).then(
        (bytes) => callback(null, bytes.copy(buffer, offset)),
        (error: unknown) => callback(error as Error),
      );
    }

    override close(callback: (error: Error | null) => void): void {
      close(this.file, callback);
    }

    /** The bytes at `position`, fewer only at the end of the file (yauzl then says "unexpected EOF"). */
    async #bytes(position: number, length: number): Promise<Buffer> {
      const end = Math.min(position + length, this.size);
      const at = this.#windows.findIndex(
        (window) => position >= window.start && end <= window.start + window.data.length,
      );
      const window = at >= 0 ? this.#windows.splice(at, 1)[0]! : await this.#load(position, end);
      this.#windows.unshift(window);
      this.#windows.length = Math.min(this.#windows.length, WINDOWS);
      return window.data.subarray(position - window.start, end - window.start);
    }

    async #load(position: number, end: number): Promise<Window> {
      const length = Math.min(Math.max(WINDOW_BYTES, end - position), this.size - position);
      // Nothing to read past the end (and fs.read throws on a read of 0 bytes from an empty file).
      if (length <= 0) return { start: position, data: Buffer.alloc(0) };
      const data = Buffer.allocUnsafe(length);
      const { bytesRead } = await promisify(read)(this.file, data, 0, length, position);
      return { start: position, data: data.subarray(0, bytesRead) };
    }
  };
}

/**
 * The bytes from `start` to `end` of the file, a window at a time. Not fs.createReadStream: its
 * destroy() closes the descriptor whatever `autoClose` says, and yauzl destroys every entry's
 * stream, so the next entry would find the file closed.
 */
function rangeStream(fd: number, start: number, end: number): Readable {
  let position = start;
  return new Readable({
    read() {
      const length = Math.min(WINDOW_BYTES, end - position);
      if (length <= 0) {
        this.push(null);
        return;
      }
      read(fd, Buffer.allocUnsafe(length), 0, length, position, (error, bytesRead, chunk) => {
        if (error !== null) return this.destroy(error);
        position += bytesRead;
        // At the end of the file: yauzl's byte count then says what was missing.
        this.push(bytesRead === 0 ? null : chunk.subarray(0, bytesRead));
      });
    },
  });
}
