import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import {
  EntryReadError,
  isLibJar,
  NESTED_JAR_MEMORY_LIMIT,
  walkWar,
  type ZipItem,
} from '../../src/check/zip-entries.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-zip-entries-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Entry {
  name: string;
  data: Buffer | string;
  store?: boolean;
}

function zipBuffer(entries: readonly Entry[], directories: readonly string[] = []): Promise<Buffer> {
  const zip = new ZipFile();
  for (const name of directories) zip.addEmptyDirectory(name);
  for (const entry of entries) {
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
    zip.addBuffer(data, entry.name, { compress: entry.store !== true });
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

async function war(
  name: string,
  entries: readonly Entry[],
  directories: readonly string[] = [],
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, await zipBuffer(entries, directories));
  return path;
}

async function walk(path: string, options: Parameters<typeof walkWar>[1] = {}) {
  const items: (ZipItem & { text?: string })[] = [];
  for await (const item of walkWar(path, options)) {
    items.push(item.type === 'entry' ? { ...item, text: (await item.read()).toString('latin1') } : item);
  }
  return items;
}

describe('isLibJar', () => {
  it('takes the .jar files directly in WEB-INF/lib only, as StandardRoot.processWebInfLib does', () => {
    expect(isLibJar('WEB-INF/lib/a.jar')).toBe(true);
    expect(isLibJar('WEB-INF/lib/A.JAR')).toBe(false);
    expect(isLibJar('WEB-INF/lib/sub/a.jar')).toBe(false);
    expect(isLibJar('lib/a.jar')).toBe(false);
    expect(isLibJar('WEB-INF/lib/a.zip')).toBe(false);
  });
});

describe('walkWar', () => {
  it('gives the WAR entries, then each nested jar entries after the jar, and skips directories', async () => {
    const jar = await zipBuffer(
      [
        { name: 'a/A.class', data: 'A' },
        { name: 'log4j2.xml', data: '<x/>' },
      ],
      ['a/'],
    );
    const path = await war(
      'nested.war',
      [
        { name: 'WEB-INF/web.xml', data: '<web-app/>' },
        { name: 'WEB-INF/lib/one.jar', data: jar },
        { name: 'WEB-INF/lib/sub/two.jar', data: jar },
        { name: 'index.jsp', data: 'hi' },
      ],
      ['WEB-INF/', 'WEB-INF/lib/'],
    );
    const items = await walk(path);
    expect(
      items.map((item) => [item.file, item.jar, item.type === 'entry' ? item.text?.length : item.kind]),
    ).toEqual([
      ['WEB-INF/web.xml', undefined, 10],
      ['WEB-INF/lib/one.jar', undefined, jar.length],
      ['a/A.class', 'WEB-INF/lib/one.jar', 1],
      ['log4j2.xml', 'WEB-INF/lib/one.jar', 4],
      ['WEB-INF/lib/sub/two.jar', undefined, jar.length],
      ['index.jsp', undefined, 2],
    ]);
  });

  it('opens a jar up to the limit in memory and a larger one from a temp file, deleted afterwards', async () => {
    const small = await zipBuffer([{ name: 's/S.class', data: 'small' }]);
    // Random bytes do not compress: the jar is larger than the limit however it is stored.
    const big = await zipBuffer([
      { name: 'b/B.class', data: 'big' },
      { name: 'padding.bin', data: randomBytes(NESTED_JAR_MEMORY_LIMIT + 1024), store: true },
      { name: 'b/Last.class', data: 'last' },
    ]);
    expect(big.length).toBeGreaterThan(NESTED_JAR_MEMORY_LIMIT);
    const path = await war('big.war', [
      { name: 'WEB-INF/lib/small.jar', data: small },
      // Deflated, as build tools store jars: the copy to the temp file must inflate it.
      { name: 'WEB-INF/lib/big.jar', data: big },
    ]);
    const temp = await mkdtemp(join(dir, 'temp-'));
    const opened: [string, string][] = [];
    const seenInTemp: string[][] = [];
    const files: string[] = [];
    for await (const item of walkWar(path, {
      tempDir: temp,
      onNestedJar: (jar, how) => opened.push([jar, how]),
    })) {
      files.push(`${item.jar ?? ''}!${item.file}`);
      if (item.jar === 'WEB-INF/lib/big.jar') seenInTemp.push(await readdir(temp));
      if (item.type === 'entry' && item.file === 'b/Last.class')
        expect((await item.read()).toString()).toBe('last');
    }
    expect(opened).toEqual([
      ['WEB-INF/lib/small.jar', 'memory'],
      ['WEB-INF/lib/big.jar', 'temp-file'],
    ]);
    expect(files).toEqual([
      '!WEB-INF/lib/small.jar',
      'WEB-INF/lib/small.jar!s/S.class',
      '!WEB-INF/lib/big.jar',
      'WEB-INF/lib/big.jar!b/B.class',
      'WEB-INF/lib/big.jar!padding.bin',
      'WEB-INF/lib/big.jar!b/Last.class',
    ]);
    // While the big jar is walked its copy exists; after the walk nothing is left.
    expect(seenInTemp).toHaveLength(3);
    expect(seenInTemp.every((names) => names.length === 1)).toBe(true);
    expect(await readdir(temp)).toEqual([]);
  });

  it('deletes the temp file when the caller stops early', async () => {
    const big = await zipBuffer([
      { name: 'a.class', data: 'a' },
      { name: 'pad.bin', data: randomBytes(NESTED_JAR_MEMORY_LIMIT + 1), store: true },
    ]);
    const path = await war('early.war', [{ name: 'WEB-INF/lib/big.jar', data: big, store: true }]);
    const temp = await mkdtemp(join(dir, 'temp-'));
    for await (const item of walkWar(path, { tempDir: temp })) {
      if (item.jar !== undefined) break;
    }
    expect(await readdir(temp)).toEqual([]);
  });

  it('reports a jar that is not a zip as unreadable and goes on', async () => {
    const path = await war('bad-jar.war', [
      { name: 'WEB-INF/lib/broken.jar', data: randomBytes(2048) },
      { name: 'WEB-INF/web.xml', data: '<web-app/>' },
    ]);
    const items = await walk(path);
    expect(items.map((item) => [item.type, item.file, item.jar])).toEqual([
      ['entry', 'WEB-INF/lib/broken.jar', undefined],
      ['unreadable', 'WEB-INF/lib/broken.jar', undefined],
      ['entry', 'WEB-INF/web.xml', undefined],
    ]);
    expect(items[1]).toMatchObject({ kind: 'bad-zip' });
  });

  it('keeps entry names that yauzl would refuse (../, absolute), which are never written anywhere', async () => {
    const path = join(dir, 'odd-names.war');
    // yazl refuses such names too: write a plain zip with them by hand.
    const { zip } = await import('../helpers/zip.js');
    await writeFile(path, zip({ '../outside.txt': 'x', '/abs.txt': 'y', 'WEB-INF/web.xml': '<web-app/>' }));
    expect((await walk(path)).map((item) => item.file)).toEqual([
      '../outside.txt',
      '/abs.txt',
      'WEB-INF/web.xml',
    ]);
  });

  it('rejects the read of an entry it cannot decode with a typed EntryReadError', async () => {
    const { zip } = await import('../helpers/zip.js');
    const data = zip({ 'WEB-INF/web.xml': '<web-app/>' });
    // Compression method 12 (bzip2), in the local header (offset 8) and the central one (offset 10).
    data.writeUInt16LE(12, 8);
    data.writeUInt16LE(12, data.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    const path = join(dir, 'bzip2.war');
    await writeFile(path, data);
    let failure: unknown;
    for await (const item of walkWar(path)) {
      if (item.type === 'entry') failure = await item.read().catch((error: unknown) => error);
    }
    expect(failure).toBeInstanceOf(EntryReadError);
    expect(failure).toMatchObject({
      kind: 'read-failed',
      message: expect.stringContaining('compression method 12'),
    });
  });

  it('never inflates an entry past the size its zip declares (a zip bomb stops there)', async () => {
    const data = await zipBuffer([{ name: 'WEB-INF/web.xml', data: 'x'.repeat(100_000) }]);
    // The central directory's uncompressed size (offset 24 of its header) claims 10 bytes.
    data.writeUInt32LE(10, data.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
    const path = join(dir, 'bomb.war');
    await writeFile(path, data);
    let failure: unknown;
    for await (const item of walkWar(path)) {
      if (item.type === 'entry') failure = await item.read().catch((error: unknown) => error);
    }
    expect(failure).toMatchObject({ kind: 'read-failed', message: expect.stringContaining('inflate') });
  });

  it('stops when the signal fires', async () => {
    const path = await war('abort.war', [
      { name: 'a.txt', data: 'a' },
      { name: 'b.txt', data: 'b' },
    ]);
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const item of walkWar(path, { signal: controller.signal })) {
          seen.push(item.file);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['a.txt']);
  });
});
