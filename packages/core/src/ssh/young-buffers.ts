import type { Duplex } from 'node:stream';

/** How much may pass through the channels between two scavenges (bench/RESULTS.md, issue 22). */
const SCAVENGE_EVERY_BYTES = 2 * 1024 * 1024;

type Scavenge = (options: { type: 'minor' }) => void;
let scavenge: Scavenge | undefined;
let sinceLast = 0;

/**
 * Counts what is written to `channel`, and asks V8 for a scavenge (a young-generation GC, ~1 ms)
 * after every 2 MB written through SSH. Without its native binding ssh2 encrypts each 32 KB packet
 * into fresh buffers; they die at once, but V8 frees an ArrayBuffer that dies young only at a
 * scavenge, which the few small objects per packet rarely bring, or past 64 MB of external memory:
 * a 300 MB upload held 30-40 MB of dead buffers (the CLI's peak RSS ~105 MB; with a scavenge
 * every 2 MB, 71-76 MB, no slower; bench/RESULTS.md). `gc` is exposed for that (`--expose-gc` set at run time, read from a new
 * context: the main context's globals are left as they are).
 */
export function scavengedWhileWritten<T extends Duplex>(channel: T): T {
  const write = channel.write.bind(channel) as (chunk: unknown, ...rest: unknown[]) => boolean;
  const counted = (chunk: unknown, ...rest: unknown[]): boolean => {
    sinceLast +=
      typeof chunk === 'string' ? chunk.length : ((chunk as Uint8Array | undefined)?.byteLength ?? 0);
    if (sinceLast >= SCAVENGE_EVERY_BYTES) {
      sinceLast = 0;
      youngCollector()({ type: 'minor' });
    }
    return write(chunk, ...rest);
  };
  return Object.assign(channel, { write: counted });
}

function youngCollector(): Scavenge {
  if (scavenge === undefined) {
    process.getBuiltinModule('node:v8').setFlagsFromString('--expose-gc');
    scavenge = process.getBuiltinModule('node:vm').runInNewContext('gc') as Scavenge;
  }
  return scavenge;
}
