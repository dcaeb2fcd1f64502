import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file's text, or undefined when there is no file (any other failure is thrown). */
export async function readManagedFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Replaces the file in one step: a temporary file in the same directory (a rename is atomic only
 * within one file system), then a rename over it, so that nginx, reloading at any moment, reads
 * the old file or the new one and never half of one. The temporary name ends in `.tmp`, which an
 * `include .../*.conf` does not pick up.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, text, { flag: 'wx' });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Puts back what was there before a write: the old text, or no file. */
export async function restoreManagedFile(path: string, old: string | undefined): Promise<void> {
  if (old === undefined) await rm(path, { force: true });
  else await writeFileAtomically(path, old);
}
