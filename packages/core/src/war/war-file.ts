/**
 * The WAR as a file: readable, a zip, a web application. What a deploy, an upload and the check
 * all need before they read it their own way.
 */
import { open, stat } from 'node:fs/promises';
import type { Entry } from 'yauzl';
import { usageError, type UsageError } from '../errors/error-classes.js';
import type { TomcatPdError } from '../errors/tomcat-pd-error.js';

// A zip starts with a local file header (PK\3\4); an empty zip is only an end record (PK\5\6).
const ZIP_SIGNATURES = [Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from([0x50, 0x4b, 0x05, 0x06])];

/** Checks, before anything is sent, that the WAR is a readable, non-empty zip file; returns its size. */
export async function checkWarFile(warFile: string): Promise<{ size: number }> {
  const size = await uploadableFileSize(warFile);
  if (size === 0) throw usageError(`The WAR file ${warFile} is empty.`);
  const header = Buffer.alloc(4);
  const handle = await open(warFile, 'r').catch((error: NodeJS.ErrnoException) => {
    throw cannotReadWar(warFile, error);
  });
  try {
    await handle.read(header, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (!ZIP_SIGNATURES.some((signature) => signature.equals(header))) {
    throw usageError(`The file ${warFile} is not a WAR: it is not a zip archive.`, 'Build the WAR again.');
  }
  await requireWebInf(warFile);
  return { size };
}

/**
 * A web application has a WEB-INF folder. Reads only the zip's central directory (constant
 * memory, whatever the WAR's size): a damaged zip, or one that is no web application, is
 * refused here rather than by Tomcat after the upload.
 */
async function requireWebInf(warFile: string): Promise<void> {
  let found: boolean;
  try {
    found = await hasEntryUnder(warFile, 'WEB-INF/');
  } catch (error) {
    throw damagedWarError(warFile, error);
  }
  if (!found) {
    throw usageError(
      `The file ${warFile} is not a web application: the zip has no WEB-INF/ folder.`,
      'Check that the build produced the WAR and not another archive.',
    );
  }
}

async function hasEntryUnder(zipFile: string, prefix: string): Promise<boolean> {
  // Loaded here, not at start-up: only a deploy reads a zip.
  const { default: yauzl } = await import('yauzl');
  return new Promise((resolve, reject) => {
    yauzl.open(zipFile, { lazyEntries: true, autoClose: true }, (openError, zip) => {
      if (openError) return reject(openError);
      zip.on('error', reject);
      zip.on('end', () => resolve(false));
      zip.on('entry', (entry: Entry) => {
        if (!entry.fileName.startsWith(prefix)) return zip.readEntry();
        zip.close();
        resolve(true);
      });
      zip.readEntry();
    });
  });
}

/** A WAR whose zip structure cannot be read, in the zip reader's words (which end in a period or not). */
export function damagedWarError(warFile: string, error: unknown): TomcatPdError {
  const why = (error instanceof Error ? error.message : String(error)).replace(/\.+$/, '');
  return usageError(`The WAR ${warFile} is a damaged zip archive: ${why}.`, 'Build the WAR again.');
}

/** The size of a file to upload (its Content-Length and progress total); a usage error if it is no file. */
export async function uploadableFileSize(warFile: string): Promise<number> {
  const info = await stat(warFile).catch((error: NodeJS.ErrnoException) => {
    throw cannotReadWar(warFile, error);
  });
  if (!info.isFile()) throw usageError(`The WAR ${warFile} is not a file.`);
  return info.size;
}

/** A WAR that cannot be read, with the reason in words. */
function cannotReadWar(warFile: string, error: NodeJS.ErrnoException): UsageError {
  const reason =
    error.code === 'ENOENT' ? 'no such file' : error.code === 'EACCES' ? 'permission denied' : error.message;
  return usageError(`Cannot read the WAR file ${warFile}: ${reason}.`);
}
