import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { isTomcatPdError, type TomcatPdError } from '../../src/errors/tomcat-pd-error.js';
import { checkWarFile } from '../../src/war/war-file.js';
import { WEB_XML, zip } from '../helpers/zip.js';

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

  it('a zip without its end (its central directory is gone): damaged, in one sentence', async () => {
    const whole = zip({ 'WEB-INF/web.xml': WEB_XML, 'index.html': 'x'.repeat(5_000) });
    const message = (await refusal(await file('cut.war', whole.subarray(0, 4_000)))).message;
    expect(message).toMatch(/^The WAR .*cut\.war is a damaged zip archive: \S.*[^.]\.$/);
  });
});

describe('checkWarFile accepts a zip and returns its size', () => {
  it('a WAR with WEB-INF/web.xml', async () => {
    const war = zip({ 'WEB-INF/web.xml': WEB_XML, 'index.jsp': '<%= session.getId() %>\n' });
    expect(await checkWarFile(await file('app.war', war))).toEqual({ size: war.length });
  });
});

describe('checkWarFile refuses a zip that is no web application, before any request', () => {
  // Tomcat would deploy it as static content, but for a deployment tool it is a wrong file.
  it.each([
    ['a zip without WEB-INF', zip({ 'index.html': '<h1>static</h1>\n', 'css/site.css': 'h1 {}\n' })],
    ['an empty zip (only the end record)', zip({})],
    [
      'a WAR cut in half (no central directory)',
      zip({ 'WEB-INF/web.xml': WEB_XML, 'a.txt': 'x'.repeat(4000) }).subarray(0, 2100),
    ],
  ])('%s', async (name, content) => {
    const path = await file(`${name.replaceAll(' ', '-')}.war`, content);
    const error = (await checkWarFile(path).catch((e: unknown) => e)) as TomcatPdError;
    expect(error).toMatchObject({ code: ErrorCode.usage });
    expect(error.message).toContain(path);
  });
});
