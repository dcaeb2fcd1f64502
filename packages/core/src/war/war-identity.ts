import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { uploadableFileSize } from './war-file.js';

/** What tells one build's WAR from another's: a paused rollout's promote must bring the same one. */
export interface WarIdentity {
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

/** The WAR's size and SHA-256, read once as a stream (constant memory, whatever its size). */
export async function readWarIdentity(warFile: string): Promise<WarIdentity> {
  const size = await uploadableFileSize(warFile);
  const hash = createHash('sha256');
  await pipeline(createReadStream(warFile), hash);
  return { size, sha256: hash.digest('hex') };
}
