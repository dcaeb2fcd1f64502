import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { ZipFile } from 'yazl';
import { openWindowed, WINDOW_BYTES } from '../../src/check/windowed-file-reader.js';
import { EntryReadError, walkWar } from '../../src/check/zip-entries.js';

// The windowed reader must give yauzl exactly the bytes of the file: entries that straddle two
// windows, entries larger than a window (streamed from the file), the central directory read
// while the entries are, and the end of the file.

const OPTIONS = {
  lazyEntries: true,
  autoClose: false,
  decodeStrings: false,
  validateEntrySizes: true,
} as const;

let dir: string;
let warFile: string;
/** The entries of `warFile`, in order, with their bytes. */
const contents = new Map<string, Buffer>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-windowed-'));
  const zip = new ZipFile();
  // Sizes from empty to twice a window, compressible and not, stored and deflated.
  const sizes = [0, 1, 100, 30_000, WINDOW_BYTES - 1, WINDOW_BYTES, WINDOW_BYTES + 1, 2 * WINDOW_BYTES];
  for (let i = 0; i < 300; i++) {
    const size = sizes[i % sizes.length]! + (i % 7);
    const data = i % 3 === 0 ? Buffer.alloc(size, i % 256) : randomBytes(size);
    const name = `WEB-INF/classes/p${i % 10}/Entry${i}.class`;
    contents.set(name, data);
    zip.addBuffer(data, name, { compress: i % 2 === 0 });
  }
  zip.end();
  warFile = join(dir, 'mixed.war');
  await writeFile(warFile, await collect(zip.outputStream as Readable));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collect(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

async function entriesOf(zip: yauzl.ZipFile): Promise<[string, string][]> {
  const read: [string, string][] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      const name = (entry.fileName as unknown as Buffer).toString();
      read.push([name, sha(await collect(await zip.openReadStreamPromise(entry)))]);
    }
  } finally {
    zip.close();
  }
  return read;
}

const openFiles = async () => (await readdir('/proc/self/fd')).length;

describe('openWindowed', () => {
  it("reads every entry as yauzl's own reader does, across windows and past them", async () => {
    const windowed = await entriesOf(await openWindowed(yauzl, warFile, OPTIONS));
    expect(windowed).toEqual(await entriesOf(await yauzl.openPromise(warFile, OPTIONS)));
    expect(windowed).toEqual([...contents].map(([name, data]) => [name, sha(data)]));
  });

  it('through walkWar: the same bytes, and the file is closed after the walk, also one left early', async () => {
    const before = await openFiles();
    for await (const item of walkWar(warFile)) {
      if (item.type === 'entry') expect(sha(await item.read())).toBe(sha(contents.get(item.file)!));
    }
    for await (const item of walkWar(warFile)) {
      if (item.type === 'entry') break;
    }
    // The handle is closed asynchronously once yauzl lets go of it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await openFiles()).toBe(before);
  });

  it('an entry whose header would lie past the end of the file: a read error, not bytes made up', async () => {
    const bytes = await readFile(warFile);
    // The end-of-central-directory record says where the directory starts; its first record
    // says where the first entry is: move that to 10 bytes before the end of the file.
    const end = bytes.length - 22;
    const directory = bytes.readUInt32LE(end + 16);
    bytes.writeUInt32LE(bytes.length - 10, directory + 42);
    const broken = join(dir, 'broken.war');
    await writeFile(broken, bytes);
    const walk = walkWar(broken);
    const first = await walk.next();
    expect(first.value).toMatchObject({ type: 'entry', file: 'WEB-INF/classes/p0/Entry0.class' });
    const read = first.done === true || first.value.type !== 'entry' ? undefined : first.value.read();
    await expect(read).rejects.toBeInstanceOf(EntryReadError);
    await expect(read).rejects.toThrow(/unexpected EOF/);
    await walk.return(undefined);
  });
});
