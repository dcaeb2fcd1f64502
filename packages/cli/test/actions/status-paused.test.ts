import { describe, expect, it } from 'vitest';
import { encodeRolloutRecord, type TargetLocks } from '@tomcat-pd/core/internal';
import { pausedRolloutsOf } from '../../src/actions/status-paused.js';
import { rolloutRecord } from '../helpers/rollout-record.js';

const NOW = new Date('2026-12-08T00:20:00Z');

function read(target: string, pausedPayloads: string[]): TargetLocks {
  return { kind: 'read', target, holders: [], pausedPayloads, unreadable: [], now: NOW, clock: 'target' };
}

describe('pausedRolloutsOf', () => {
  it('gives each paused rollout once, however many targets keep it', () => {
    const shop = encodeRolloutRecord(rolloutRecord());
    const cart = encodeRolloutRecord(rolloutRecord({ path: '/cart', version: '007' }));
    const warnings: string[] = [];
    const paused = pausedRolloutsOf(
      [
        read('web1', [shop, cart]),
        read('web2', [shop]),
        { kind: 'unreadable', target: 'web3' } as TargetLocks,
      ],
      (message) => warnings.push(message),
    );
    expect(paused.map((record) => `${record.path} ${record.version}`)).toEqual(['/shop 004', '/cart 007']);
    expect(warnings).toEqual([]);
  });

  it('a record that does not decode is a warning, the others are shown', () => {
    const warnings: string[] = [];
    const paused = pausedRolloutsOf(
      [read('web1', ['{"not":"a record"}', encodeRolloutRecord(rolloutRecord())])],
      (message) => warnings.push(message),
    );
    expect(paused.map((record) => record.path)).toEqual(['/shop']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^A paused rollout's record was not read: /);
  });
});
