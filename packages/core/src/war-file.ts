import { open, stat } from 'node:fs/promises';
import { usageError } from './errors.js';

// A zip starts with a local file header (PK\3\4); an empty zip is only an end record (PK\5\6).
const ZIP_SIGNATURES = [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from([0x50, 0x4b, 0x05, 0x06])];

/** The size of a file to upload (its Content-Length and progress total); a usage error if it is no file. */
export async function uploadableFileSize(warFile: string): Promise<number> {
  const info = await stat(warFile).catch((error: NodeJS.ErrnoException) => {
    throw usageError(`Cannot read the WAR file ${warFile}: ${describeFsError(error)}.`);
  });
  if (!info.isFile()) throw usageError(`The WAR ${warFile} is not a file.`);
  return info.size;
}

/** Checks, before anything is sent, that the WAR is a readable, non-empty zip file; returns its size. */
export async function checkWarFile(warFile: string): Promise<{ size: number }> {
  const size = await uploadableFileSize(warFile);
  if (size === 0) throw usageError(`The WAR file ${warFile} is empty.`);
  const header = Buffer.alloc(4);
  const handle = await open(warFile, 'r').catch((error: NodeJS.ErrnoException) => {
    throw usageError(`Cannot read the WAR file ${warFile}: ${describeFsError(error)}.`);
  });
  try {
    await handle.read(header, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (!ZIP_SIGNATURES.some((signature) => signature.equals(header))) {
    throw usageError(`The file ${warFile} is not a WAR: it is not a zip archive.`, 'Build the WAR again.');
  }
  return { size };
}

function describeFsError(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return 'no such file';
  if (error.code === 'EACCES') return 'permission denied';
  return error.message;
}
