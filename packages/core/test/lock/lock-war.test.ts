import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lockWar } from '../../src/lock/lock-war.js';

/** The one entry of a zip: its name and inflated content, read from the local file header. */
function onlyEntry(zip: Uint8Array): { name: string; content: string } {
  const bytes = Buffer.from(zip);
  expect(bytes.readUInt32LE(0)).toBe(0x04034b50);
  const method = bytes.readUInt16LE(8);
  const compressed = bytes.readUInt32LE(18);
  const nameLength = bytes.readUInt16LE(26);
  const extraLength = bytes.readUInt16LE(28);
  const name = bytes.subarray(30, 30 + nameLength).toString('utf8');
  const start = 30 + nameLength + extraLength;
  const data = bytes.subarray(start, start + compressed);
  expect(method).toBe(8);
  return { name, content: inflateRawSync(data).toString('utf8') };
}

describe('the lock record WAR', () => {
  it('is a small zip of one context.xml that turns off the scans of a deploy', () => {
    const war = lockWar();
    expect(war.length).toBeLessThan(256);
    const { name, content } = onlyEntry(war);
    expect(name).toBe('META-INF/context.xml');
    expect(content).toContain('containerSciFilter=".*"');
    expect(content).toContain('<JarScanner scanClassPath="false" scanManifest="false"/>');
  });

  it('ends with the central directory of exactly one entry', () => {
    const bytes = Buffer.from(lockWar());
    const end = bytes.length - 22;
    expect(bytes.readUInt32LE(end)).toBe(0x06054b50);
    expect(bytes.readUInt16LE(end + 10)).toBe(1);
  });
});
