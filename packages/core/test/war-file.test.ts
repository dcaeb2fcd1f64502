import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, isTomcatPdError, type TomcatPdError } from '../src/errors.js';
import { checkWarFile } from '../src/war-file.js';

/** A zip archive of `files`, stored without compression (what `jar --no-compress` writes). */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const [nameBytes, data] = [Buffer.from(name), Buffer.from(content)];
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); // local file header
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(data.length, 18); // compressed size (method 0: stored)
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); // central directory header
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    local.copy(central, 10, 8, 28); // flags, method, time, date, crc, sizes, name length
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0); // end of central directory
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const WEB_XML = '<web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0"/>\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-war-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `content` to a file under the temp dir and returns its path. */
async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** The rejection of checkWarFile: an E_USAGE naming the file. */
async function refusal(path: string): Promise<TomcatPdError> {
  const error: unknown = await checkWarFile(path).then(
    () => new Error(`expected ${path} to be refused`),
    (reason: unknown) => reason,
  );
  expect(isTomcatPdError(error), String(error)).toBe(true);
  expect((error as TomcatPdError).code).toBe(ErrorCode.usage);
  expect((error as TomcatPdError).message).toContain(path);
  return error as TomcatPdError;
}

describe('checkWarFile refuses with E_USAGE, naming the file', () => {
  it('a missing file', async () => {
    expect((await refusal(join(dir, 'missing.war'))).message).toContain('no such file');
  });

  it('a directory (an exploded WAR is not uploaded)', async () => {
    const exploded = join(dir, 'exploded.war');
    await mkdir(exploded);
    await writeFile(join(exploded, 'index.html'), 'hi');
    expect((await refusal(exploded)).message).toContain('is not a file');
  });

  it('an empty file', async () => {
    expect((await refusal(await file('empty', ''))).message).toContain('is empty');
  });

  it('a 0-byte .war', async () => {
    expect((await refusal(await file('zero.war', Buffer.alloc(0)))).message).toContain('is empty');
  });

  it.each([
    ['a text file', 'not a zip at all\n'],
    ['an HTML error page saved as .war', '<!doctype html><title>404 Not Found</title>'],
    ['a gzip file', Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0])],
    ['2 bytes "PK"', 'PK'],
    ['a zip cut to its first 3 bytes', zip({ 'WEB-INF/web.xml': WEB_XML }).subarray(0, 3)],
  ])('a file that is not a zip: %s', async (name, content) => {
    expect((await refusal(await file(`${name.replace(/\W+/g, '-')}.war`, content))).message).toContain(
      'not a zip archive',
    );
  });
});

describe('checkWarFile accepts a zip and returns its size', () => {
  it('a WAR with WEB-INF/web.xml', async () => {
    const war = zip({ 'WEB-INF/web.xml': WEB_XML, 'index.jsp': '<%= session.getId() %>\n' });
    expect(await checkWarFile(await file('app.war', war))).toEqual({ size: war.length });
  });

  // Decided: a WAR without WEB-INF is legal for Tomcat (static content only), so core does not
  // refuse it; whether the CLI warns is the CLI's decision.
  it('a zip without WEB-INF (static content only)', async () => {
    const war = zip({ 'index.html': '<h1>static</h1>\n', 'css/site.css': 'h1 { color: red }\n' });
    expect(await checkWarFile(await file('static.war', war))).toEqual({ size: war.length });
  });

  // Likewise documented, not a decision: an empty archive (only the end record) is a zip.
  it('an empty zip (PK\\5\\6, only the end record)', async () => {
    const war = zip({});
    expect(war.subarray(0, 4)).toEqual(Buffer.from('PK\x05\x06', 'latin1'));
    expect(await checkWarFile(await file('empty-zip.war', war))).toEqual({ size: 22 });
  });
});
