import { describe, expect, it } from 'vitest';
import {
  chunkRecordPaths,
  cleanActor,
  lockRecordPath,
  parseRecordPath,
  payloadOf,
  scopeKey,
  scopeOfKey,
  stamp,
  type ChunkRecord,
} from '../../src/lock/lock-record.js';
import { baseName } from '../../src/versions/context-name.js';

const since = new Date('2026-12-07T23:05:00Z');
const expires = new Date('2026-12-07T23:20:00Z');
const record = {
  key: 'app/shop',
  nonce: '3fa9c2d1e0',
  since,
  expires,
  command: 'deploy',
  actor: 'alice@ci7',
};

describe('lock record names', () => {
  it('keys an app by its path, ROOT and nested paths included, and the target as target', () => {
    expect(scopeKey({ kind: 'app', path: '/shop' })).toBe('app/shop');
    expect(scopeKey({ kind: 'app', path: '/' })).toBe('app/ROOT');
    expect(scopeKey({ kind: 'app', path: '/a/b' })).toBe('app/a/b');
    expect(scopeKey({ kind: 'target' })).toBe('target');
    expect(scopeOfKey('app/ROOT')).toEqual({ kind: 'app', path: '/' });
    expect(scopeOfKey('app/a/b')).toEqual({ kind: 'app', path: '/a/b' });
  });

  it('hashes an app path too long for a file name, the same way every time', () => {
    const long = `/${'x'.repeat(120)}`;
    const key = scopeKey({ kind: 'app', path: long });
    expect(key).toMatch(/^app\/h-[0-9a-f]{16}$/);
    expect(scopeKey({ kind: 'app', path: long })).toBe(key);
  });

  it('writes the holder into one readable path segment', () => {
    expect(lockRecordPath(record)).toBe(
      '/tomcat-pd-lock/app/shop/L1~3fa9c2d1e0~20261207T230500Z~20261207T232000Z~deploy~alice@ci7',
    );
    expect(lockRecordPath({ ...record, key: 'target', expires: undefined, command: 'paused' })).toBe(
      '/tomcat-pd-lock/target/L1~3fa9c2d1e0~20261207T230500Z~-~paused~alice@ci7',
    );
  });

  it('keeps a record under the file-name limit of appBase, whatever the actor and app', () => {
    const path = lockRecordPath({
      ...record,
      key: scopeKey({ kind: 'app', path: `/${'y'.repeat(70)}` }),
      actor: `${'u'.repeat(100)}@${'h'.repeat(100)}`,
      command: 'lb-maint-and-more-words',
    });
    expect(baseName(path, '').length).toBeLessThanOrEqual(251);
    expect(parseRecordPath(path)?.kind).toBe('lock');
  });

  it('cleans an actor to the characters a path segment may hold, one @ kept', () => {
    expect(cleanActor('Jane Doe@host:1/x@y')).toBe('Jane_Doe@host_1_x_y');
    expect(cleanActor('')).toBe('_');
  });

  it('reads back what it wrote', () => {
    expect(parseRecordPath(lockRecordPath(record))).toEqual({
      kind: 'lock',
      path: lockRecordPath(record),
      ...record,
    });
    const paused = lockRecordPath({ ...record, expires: undefined, command: 'paused' });
    expect(parseRecordPath(paused)).toMatchObject({ kind: 'lock', expires: undefined, command: 'paused' });
  });

  it('leaves every other path alone, and reads a broken one under the root as unreadable', () => {
    expect(parseRecordPath('/shop')).toBeUndefined();
    expect(parseRecordPath('/tomcat-pd-lockx/a')).toBeUndefined();
    expect(parseRecordPath('/tomcat-pd-lock')).toEqual({
      kind: 'unreadable',
      path: '/tomcat-pd-lock',
      key: undefined,
    });
    expect(parseRecordPath('/tomcat-pd-lock/app/shop/L1~zz')).toMatchObject({
      kind: 'unreadable',
      key: 'app/shop',
    });
    expect(parseRecordPath('/tomcat-pd-lock/other/L1~x')).toMatchObject({
      kind: 'unreadable',
      key: undefined,
    });
    // A date that is not one (month 13) is not read as a record.
    const bad = '/tomcat-pd-lock/target/L1~3fa9c2d1e0~20261307T230500Z~-~deploy~a@b';
    expect(parseRecordPath(bad)).toMatchObject({ kind: 'unreadable', key: 'target' });
  });

  it('stamps UTC to the second', () => {
    expect(stamp(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});

describe('rollout chunks', () => {
  const chunksOf = (paths: string[]): ChunkRecord[] =>
    paths.map((path) => parseRecordPath(path) as ChunkRecord);

  it('split a payload into pieces that fit a path segment and give it back whole', () => {
    const payload = JSON.stringify({
      version: '004',
      steps: ['1', 'pause', '100%'],
      sha256: 'a'.repeat(64),
      é: 'ü',
    });
    const paths = chunkRecordPaths('app/shop', '3fa9c2d1e0', payload.repeat(3));
    expect(paths.length).toBeGreaterThan(1);
    for (const path of paths) expect(baseName(path, '').length).toBeLessThanOrEqual(251);
    expect(payloadOf(chunksOf(paths).reverse())).toBe(payload.repeat(3));
  });

  it('give nothing back when a chunk is missing or altered', () => {
    const paths = chunkRecordPaths('app/shop', '3fa9c2d1e0', 'x'.repeat(400));
    const chunks = chunksOf(paths);
    expect(payloadOf(chunks.slice(1))).toBeUndefined();
    const altered = chunks.map((chunk, index) =>
      index === 0 ? { ...chunk, data: `A${chunk.data.slice(1)}` } : chunk,
    );
    expect(payloadOf(altered)).toBeUndefined();
    expect(payloadOf([])).toBeUndefined();
  });
});
