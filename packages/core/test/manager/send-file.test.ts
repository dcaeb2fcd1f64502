import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_BYTES, sendFile } from '../../src/manager/send-file.js';

let directory: string;
let file: string;
let content: Buffer;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tomcat-pd-send-file-'));
  file = join(directory, 'app.war');
  // Several chunks and a partial last one, so both buffers are reused more than once.
  content = randomBytes(4 * CHUNK_BYTES + 12_345);
  await writeFile(file, content);
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** A target that consumes each chunk only after `delayMs`, as a slow socket does. */
function slowTarget(delayMs: number) {
  const hash = createHash('sha256');
  let bytes = 0;
  const target = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      setTimeout(() => {
        // Read the chunk only now: a buffer reused before its write completed would show here.
        hash.update(chunk);
        bytes += chunk.length;
        callback();
      }, delayMs);
    },
  });
  return { target, result: () => ({ bytes, sha256: hash.digest('hex') }) };
}

describe('sendFile', () => {
  it('sends every byte in order through reused buffers, and ends the target', async () => {
    const { target, result } = slowTarget(2);
    const chunks: number[] = [];
    await sendFile(file, content.length, target, (bytes) => chunks.push(bytes));
    expect(target.writableFinished).toBe(true);
    expect(result()).toEqual({ bytes: content.length, sha256: sha256(content) });
    expect(chunks).toEqual([CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, CHUNK_BYTES, 12_345]);
  });

  it('sends only `size` bytes of a file that grew since it was measured', async () => {
    const { target, result } = slowTarget(0);
    await sendFile(file, CHUNK_BYTES + 10, target, () => undefined);
    expect(result()).toEqual({
      bytes: CHUNK_BYTES + 10,
      sha256: sha256(content.subarray(0, CHUNK_BYTES + 10)),
    });
  });

  it('fails, naming the file, when it is shorter than `size` (it changed during the upload)', async () => {
    const { target } = slowTarget(0);
    await expect(sendFile(file, content.length + 1, target, () => undefined)).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining(
        `${file} ended after ${content.length} of its ${content.length + 1} bytes`,
      ),
    });
  });

  it('fails instead of waiting forever when the target is destroyed with writes pending', async () => {
    // A write that never calls back, as on a request whose socket is gone.
    const target = new Writable({ highWaterMark: 1, write: () => undefined });
    const sent = sendFile(file, content.length, target, () => {
      setImmediate(() => target.destroy());
    });
    await expect(sent).rejects.toMatchObject({ code: 'EPIPE' });
  });
});
