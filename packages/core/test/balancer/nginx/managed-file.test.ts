import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  readManagedFile,
  restoreManagedFile,
  writeFileAtomically,
} from '../../../src/balancer/nginx/managed-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-managed-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the managed file on disk', () => {
  it('is replaced whole, leaving no temporary file', async () => {
    const file = join(dir, 'tomcat-pd.conf');
    expect(await readManagedFile(file)).toBeUndefined();
    await writeFileAtomically(file, 'one\n');
    await writeFileAtomically(file, 'two\n');
    expect(await readFile(file, 'utf8')).toBe('two\n');
    expect(await readdir(dir)).toEqual(['tomcat-pd.conf']);
  });

  it('is put back as it was, or removed when there was none', async () => {
    const file = join(dir, 'tomcat-pd.conf');
    await writeFileAtomically(file, 'new\n');
    await restoreManagedFile(file, 'old\n');
    expect(await readManagedFile(file)).toBe('old\n');
    await restoreManagedFile(file, undefined);
    expect(await readdir(dir)).toEqual([]);
  });

  it('fails a write into a directory that does not exist, leaving nothing', async () => {
    await expect(writeFileAtomically(join(dir, 'no', 'f.conf'), 'x')).rejects.toMatchObject({
      code: 'ENOENT',
    });
    expect(await readdir(dir)).toEqual([]);
  });
});
