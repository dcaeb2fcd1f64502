import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { scavengedWhileWritten } from '../../src/ssh/young-buffers.js';

describe('scavengedWhileWritten', () => {
  it('passes every byte through unchanged, past several scavenges, with write()s callbacks and answers', async () => {
    const channel = scavengedWhileWritten(new PassThrough({ highWaterMark: 64 * 1024 }));
    const received: Buffer[] = [];
    channel.on('data', (chunk: Buffer) => received.push(chunk));
    const sent = Array.from({ length: 160 }, () => randomBytes(32 * 1024)); // 5 MB: two scavenges
    let called = 0;
    for (const chunk of sent) {
      const more = channel.write(chunk, () => called++);
      expect(typeof more).toBe('boolean');
    }
    channel.write('and a string', 'utf8');
    await new Promise<void>((resolve) => channel.end(resolve));
    expect(Buffer.concat(received).equals(Buffer.concat([...sent, Buffer.from('and a string')]))).toBe(true);
    expect(called).toBe(sent.length);
  });
});
