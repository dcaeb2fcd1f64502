/**
 * Walks a WAR and the jars in its WEB-INF/lib without unpacking anything to disk that is not a
 * nested jar too big to hold: memory stays bounded by the largest entry read plus one nested
 * jar of at most {@link NESTED_JAR_MEMORY_LIMIT}, whatever the WAR's size.
 */
import { withDefaults } from '../common/defaults.js';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { inflateRawSync } from 'node:zlib';
import type { Entry, ZipFile } from 'yauzl';
import type { UnreadableKind } from '../common/check-report.js';
import { openWindowed } from './windowed-file-reader.js';

/**
 * A nested jar is a compressed entry, so it has no random access: up to this size it is read
 * into memory and opened there; a larger one is streamed to a temp file and opened from disk.
 */
export const NESTED_JAR_MEMORY_LIMIT = 16 * 1024 * 1024;

/** One file in the WAR, or in a jar of its WEB-INF/lib. */
export interface ZipEntryItem {
  type: 'entry';
  /** The entry's name in its archive: `WEB-INF/web.xml`, or `com/acme/A.class` inside `jar`. */
  file: string;
  /** The jar in the WAR (`WEB-INF/lib/acme.jar`) that holds `file`, when it is in one. */
  jar?: string;
  /** Its uncompressed size as the zip declares it (yauzl refuses data that differs). */
  size: number;
  /**
   * Its bytes. Call it, if at all, before asking for the next item: a nested jar read from a
   * temp file is closed and deleted once its last entry has been handed out.
   *
   * @throws EntryReadError
   */
  read(): Promise<Buffer>;
}

/** A jar in WEB-INF/lib that could not be opened or walked to its end. */
export interface ZipProblemItem {
  type: 'unreadable';
  file: string;
  jar?: string;
  kind: UnreadableKind;
  reason: string;
}

export type ZipItem = ZipEntryItem | ZipProblemItem;

/** Why an entry's bytes could not be read. */
export class EntryReadError extends Error {
  constructor(
    readonly kind: UnreadableKind,
    message: string,
  ) {
    super(message);
    this.name = 'EntryReadError';
  }
}

export interface WalkOptions {
  signal?: AbortSignal | undefined;
  /** Where oversized nested jars go while they are read; default: the OS temp dir. */
  tempDir?: string | undefined;
  /** For the tests: called with the jar's name and how it was opened. */
  onNestedJar?: ((jar: string, how: 'memory' | 'temp-file') => void) | undefined;
}

// Loaded when a walk starts, not at start-up: only a check or a deploy reads a zip.
const loadYauzl = async () => (await import('yauzl')).default;
type Yauzl = Awaited<ReturnType<typeof loadYauzl>>;

/**
 * Tomcat loads the files directly in WEB-INF/lib whose name ends in `.jar` (that case only), not
 * those in folders below it (StandardRoot.processWebInfLib).
 */
export function isLibJar(file: string): boolean {
  return (
    file.startsWith('WEB-INF/lib/') &&
    file.endsWith('.jar') &&
    !file.slice('WEB-INF/lib/'.length).includes('/')
  );
}

/**
 * The items of the WAR in zip order; after a jar of WEB-INF/lib, the items of that jar (with
 * `jar` set). Directories are skipped. A jar that cannot be opened is an `unreadable` item; a WAR
 * that cannot be read throws (the caller has checked it with `checkWarFile` first).
 */
export async function* walkWar(warFile: string, options: WalkOptions = {}): AsyncGenerator<ZipItem> {
  const yauzl = await loadYauzl();
  const war = await openWindowed(yauzl, warFile, zipOptions);
  try {
    for await (const entry of war.eachEntry()) {
      options.signal?.throwIfAborted();
      const file = entryName(yauzl, entry);
      if (file.endsWith('/')) continue;
      yield entryItem(war, entry, file, undefined);
      if (isLibJar(file)) yield* walkNestedJar(yauzl, war, entry, file, options);
    }
  } finally {
    war.close();
  }
}

// Names are decoded here rather than by yauzl, whose validation ends the whole walk at one odd
// name (`../x`, `C:/x`); nothing is written under an entry's name, so any name is harmless.
const zipOptions = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true,
} as const;

function entryName(yauzl: Yauzl, entry: Entry): string {
  const raw = entry.fileName as unknown as Buffer;
  return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
}

function entryItem(zip: ZipFile, entry: Entry, file: string, jar: string | undefined): ZipEntryItem {
  return {
    type: 'entry',
    file,
    ...(jar === undefined ? {} : { jar }),
    size: entry.uncompressedSize,
    read: () => readEntry(zip, entry),
  };
}

async function* walkNestedJar(
  yauzl: Yauzl,
  war: ZipFile,
  entry: Entry,
  jar: string,
  options: WalkOptions,
): AsyncGenerator<ZipItem> {
  let opened: { zip: ZipFile; dispose: () => Promise<void> };
  try {
    opened = await openNestedJar(yauzl, war, entry, jar, options);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    yield { type: 'unreadable', file: jar, kind: kindOf(error, 'bad-zip'), reason: reasonOf(error) };
    return;
  }
  try {
    let iterator: AsyncIterableIterator<Entry> | undefined;
    for (;;) {
      let next: IteratorResult<Entry>;
      try {
        iterator ??= opened.zip.eachEntry();
        next = await iterator.next();
      } catch (error) {
        yield { type: 'unreadable', file: jar, kind: 'bad-zip', reason: reasonOf(error) };
        return;
      }
      if (next.done === true) return;
      options.signal?.throwIfAborted();
      const file = entryName(yauzl, next.value);
      if (!file.endsWith('/')) yield entryItem(opened.zip, next.value, file, jar);
    }
  } finally {
    opened.zip.close();
    await opened.dispose();
  }
}

async function openNestedJar(
  yauzl: Yauzl,
  war: ZipFile,
  entry: Entry,
  jar: string,
  options: WalkOptions,
): Promise<{ zip: ZipFile; dispose: () => Promise<void> }> {
  if (entry.uncompressedSize <= NESTED_JAR_MEMORY_LIMIT) {
    const data = await readEntry(war, entry);
    options.onNestedJar?.(jar, 'memory');
    return { zip: await yauzl.fromBufferPromise(data, zipOptions), dispose: async () => {} };
  }
  const { tempDir } = withDefaults(options, { tempDir: tmpdir() });
  const dir = await mkdtemp(join(tempDir, 'tomcat-pd-check-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const path = join(dir, 'nested.jar');
    const stream = await openStream(war, entry);
    await pipeline(stream, createWriteStream(path), { signal: options.signal });
    options.onNestedJar?.(jar, 'temp-file');
    return { zip: await openWindowed(yauzl, path, zipOptions), dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function openStream(zip: ZipFile, entry: Entry, decodeFileData = true): Promise<Readable> {
  if (!entry.canDecodeFileData()) {
    const why = entry.isEncrypted()
      ? 'it is encrypted'
      : `it uses compression method ${entry.compressionMethod}`;
    throw new EntryReadError('read-failed', `cannot read it: ${why}`);
  }
  try {
    // Not `{ decodeFileData: true }`: yauzl 3.4 reads that as "do not inflate" (openReadStream
    // sets `decompress = options.decodeFileData !== true`); no options at all inflates.
    return await (decodeFileData
      ? zip.openReadStreamPromise(entry)
      : zip.openReadStreamPromise(entry, { decodeFileData: false }));
  } catch (error) {
    throw new EntryReadError('read-failed', reasonOf(error));
  }
}

/**
 * The raw bytes are read and inflated in one synchronous call: per entry that is several times
 * faster than an inflating stream (a WAR has tens of thousands of small classes), and the
 * entries read this way are bounded (MAX_ENTRY_BYTES, NESTED_JAR_MEMORY_LIMIT). The inflated
 * size may not exceed what the zip declares, so a zip bomb stops at the declared size.
 */
async function readEntry(zip: ZipFile, entry: Entry): Promise<Buffer> {
  const raw = await collect(await openStream(zip, entry, false));
  if (entry.compressionMethod === 0) return raw;
  let data: Buffer;
  try {
    data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (error) {
    throw new EntryReadError('read-failed', `cannot inflate it: ${reasonOf(error)}`);
  }
  if (data.length !== entry.uncompressedSize) {
    throw new EntryReadError(
      'read-failed',
      `it inflates to ${data.length} bytes, not the ${entry.uncompressedSize} declared`,
    );
  }
  return data;
}

// 'data' events rather than `for await`: async iteration costs more than the read of a small entry.
function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    stream.on('error', (error) => reject(new EntryReadError('read-failed', reasonOf(error))));
  });
}

function kindOf(error: unknown, otherwise: UnreadableKind): UnreadableKind {
  return error instanceof EntryReadError ? error.kind : otherwise;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
