import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipFile } from 'yazl';
import { checkWar } from '../../src/check/lazy-check-war.js';
import { MAX_ENTRY_BYTES } from '../../src/check/war-facts.js';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { isTomcatPdError } from '../../src/errors/tomcat-pd-error.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-check-war-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function war(name: string, entries: Record<string, string | Buffer>): Promise<string> {
  const zip = new ZipFile();
  for (const [entry, data] of Object.entries(entries)) {
    zip.addBuffer(typeof data === 'string' ? Buffer.from(data) : data, entry);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const path = join(dir, name);
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error: unknown = await promise.then(
    () => new Error('expected a failure'),
    (reason: unknown) => reason,
  );
  if (!isTomcatPdError(error)) throw error;
  return error;
}

const WEB_XML = '<web-app version="6.0"/>';

describe('checkWar', () => {
  it('refuses what checkWarFile refuses, with E_USAGE', async () => {
    const notZip = join(dir, 'not-a-zip.war');
    await writeFile(notZip, randomBytes(100));
    expect(await failure(checkWar({ warFile: notZip }))).toMatchObject({ code: ErrorCode.usage });
    const noWebInf = await war('plain.war', { 'index.html': 'hi' });
    expect(await failure(checkWar({ warFile: noWebInf }))).toMatchObject({
      code: ErrorCode.usage,
      message: expect.stringContaining('WEB-INF'),
    });
    expect(await failure(checkWar({ warFile: join(dir, 'missing.war') }))).toMatchObject({
      code: ErrorCode.usage,
    });
  });

  it('refuses an invalid context path, and compares against the one given', async () => {
    const path = await war('shop##003.war', { 'WEB-INF/web.xml': WEB_XML });
    expect(await failure(checkWar({ warFile: path, contextPath: 'shop' }))).toMatchObject({
      code: ErrorCode.usage,
    });
    expect((await checkWar({ warFile: path })).contextPath).toBe('/shop');
    expect((await checkWar({ warFile: path, contextPath: '/store' })).contextPath).toBe('/store');
    expect((await checkWar({ warFile: path, contextPath: undefined })).contextPath).toBe('/shop');
  });

  it("says the WAR's size, so that a deploy needs no second look at the file", async () => {
    const path = await war('sized.war', { 'WEB-INF/web.xml': WEB_XML });
    expect((await checkWar({ warFile: path })).bytes).toBe((await stat(path)).size);
  });

  it('skips broken and oversized entries, lists them as unreadable, and goes on', async () => {
    const truncatedClass = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 55, 0, 9, 1]);
    const path = await war('broken.war', {
      'WEB-INF/web.xml': '<web-app><session-config></web-app>',
      'WEB-INF/classes/a/Broken.class': truncatedClass,
      'WEB-INF/classes/log4j2.xml': `<Configuration>${' '.repeat(MAX_ENTRY_BYTES)}</Configuration>`,
      'META-INF/context.xml': '<Context workDir="/tmp/shared"/>',
    });
    const report = await checkWar({ warFile: path });
    expect(report.unreadable).toEqual([
      { file: 'WEB-INF/web.xml', kind: 'bad-xml', reason: expect.stringContaining('session-config') },
      {
        file: 'WEB-INF/classes/a/Broken.class',
        kind: 'bad-class',
        reason: expect.stringContaining('truncated'),
      },
      {
        file: 'WEB-INF/classes/log4j2.xml',
        kind: 'too-large',
        reason: expect.stringContaining(String(MAX_ENTRY_BYTES)),
      },
    ]);
    expect(report.findings.map((finding) => finding.id)).toEqual(['context-work-dir']);
    expect(report.entries).toBe(4);
  });

  it('puts errors before warnings and counts them; advice is always there, once each', async () => {
    const path = await war('mixed.war', {
      'META-INF/context.xml': '<Context path="/x" cookies="false"/>',
      'WEB-INF/web.xml': WEB_XML,
    });
    const report = await checkWar({ warFile: path });
    expect(report.findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ['session-cookies-disabled', 'error'],
      ['context-path', 'warning'],
    ]);
    expect(report.counts).toEqual({ error: 1, warning: 1 });
    expect(report.advice.map((item) => [item.id, item.severity])).toEqual([
      ['in-process-cache', 'advice'],
      ['shared-disk-files', 'advice'],
    ]);
  });

  it('lets the caller change a report without changing the next one', async () => {
    const path = await war('clean.war', { 'WEB-INF/web.xml': WEB_XML });
    const first = await checkWar({ warFile: path });
    first.advice[0]!.message = 'changed';
    expect((await checkWar({ warFile: path })).advice[0]!.message).not.toBe('changed');
  });

  it('ends with E_ABORTED when the signal has fired', async () => {
    const path = await war('aborted.war', { 'WEB-INF/web.xml': WEB_XML });
    const controller = new AbortController();
    controller.abort();
    expect(await failure(checkWar({ warFile: path, signal: controller.signal }))).toMatchObject({
      code: ErrorCode.aborted,
    });
  });
});
