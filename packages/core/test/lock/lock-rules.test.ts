import { describe, expect, it } from 'vitest';
import {
  chunkRecordPaths,
  lockRecordPath,
  parseRecordPath,
  type AnyRecord,
} from '../../src/lock/lock-record.js';
import { conflictsFor, holdersOf, isExpired, keysConflict, pausedUnder } from '../../src/lock/lock-rules.js';

const since = new Date('2026-12-07T23:05:00Z');
const expires = new Date('2026-12-07T23:20:00Z');
const before = new Date('2026-12-07T23:19:59Z');

function rec(
  key: string,
  nonce: string,
  over: { expires?: Date | undefined; command?: string } = {},
): AnyRecord {
  const command = over.command ?? 'deploy';
  const path = lockRecordPath({
    key,
    nonce,
    since,
    expires: 'expires' in over ? over.expires : expires,
    command,
    actor: 'a@h',
  });
  return parseRecordPath(path)!;
}

describe('which locks exclude each other', () => {
  it('an app lock excludes the same app and the target lock; a target lock excludes everything', () => {
    expect(keysConflict('app/shop', 'app/shop')).toBe(true);
    expect(keysConflict('app/shop', 'app/cart')).toBe(false);
    expect(keysConflict('app/shop', 'target')).toBe(true);
    expect(keysConflict('target', 'app/cart')).toBe(true);
    expect(keysConflict('app/shop', undefined)).toBe(true);
  });

  it('counts live records of other nonces, never its own, an expired one or the one taken over', () => {
    const records = [
      rec('app/shop', '0000000001'),
      rec('app/shop', '0000000002'),
      rec('app/cart', '0000000003'),
      rec('target', '0000000004', { expires: before }),
      rec('app/shop', '0000000005', { expires: undefined, command: 'paused' }),
    ];
    const nonces = (found: AnyRecord[]) => found.map((r) => (r.kind === 'lock' ? r.nonce : r.path));
    expect(nonces(conflictsFor(records, { key: 'app/shop', nonce: '0000000001', now: before }))).toEqual([
      '0000000002',
      '0000000005',
    ]);
    expect(
      nonces(
        conflictsFor(records, { key: 'app/shop', nonce: '0000000001', now: before, except: '0000000005' }),
      ),
    ).toEqual(['0000000002']);
    // At its expiry a record no longer counts; a paused one never expires.
    expect(nonces(conflictsFor(records, { key: 'target', nonce: '0000000009', now: expires }))).toEqual([
      '0000000005',
    ]);
  });

  it('fails closed on an unreadable record', () => {
    const broken = parseRecordPath('/tomcat-pd-lock/app/shop/garbage')!;
    expect(conflictsFor([broken], { key: 'app/shop', nonce: '0000000001', now: before })).toEqual([broken]);
    expect(conflictsFor([broken], { key: 'app/cart', nonce: '0000000001', now: before })).toEqual([]);
  });
});

describe('expiry on the target clock', () => {
  it('is the moment the target says it is at or past the record expiry', () => {
    const record = rec('app/shop', '0000000001');
    if (record.kind !== 'lock') throw new Error('a lock record');
    expect(isExpired(record, before)).toBe(false);
    expect(isExpired(record, expires)).toBe(true);
  });
});

describe('holders', () => {
  it('are one per nonce, with its latest record, marked expired or paused', () => {
    const later = new Date('2026-12-07T23:30:00Z');
    const holders = holdersOf(
      [
        rec('app/shop', '0000000001'),
        rec('app/shop', '0000000001', { expires: later }),
        rec('target', '0000000002', { expires: before }),
      ],
      'web1',
      expires,
    );
    expect(holders).toEqual([
      expect.objectContaining({
        nonce: '0000000001',
        expires: later,
        expired: false,
        paused: false,
        target: 'web1',
        scope: { kind: 'app', path: '/shop' },
      }),
      expect.objectContaining({ nonce: '0000000002', expired: true, scope: { kind: 'target' } }),
    ]);
  });
});

describe('a paused rollout', () => {
  it('is its paused record and the payload of its chunks', () => {
    const chunks = chunkRecordPaths('app/shop', '0000000007', '{"version":"004"}').map((p) =>
      parseRecordPath(p)!,
    );
    const records = [rec('app/shop', '0000000007', { expires: undefined, command: 'paused' }), ...chunks];
    expect(pausedUnder(records, 'app/shop')).toMatchObject({
      record: { nonce: '0000000007' },
      payload: '{"version":"004"}',
    });
    expect(pausedUnder(records, 'app/cart')).toBeUndefined();
  });
});
