import type { RolloutRecord } from '@tomcat-pd/core/internal';

/** A rollout of /shop version 004 paused after step 1 of 2 by alice@ci, with `changes`. */
export function rolloutRecord(changes: Partial<RolloutRecord> = {}): RolloutRecord {
  return {
    path: '/shop',
    version: '004',
    buildId: undefined,
    afterStep: 1,
    steps: 2,
    took: ['web1'],
    remaining: [{ targets: ['web2'], pause: undefined }],
    war: { size: 1, sha256: 'ab'.repeat(32) },
    probe: undefined,
    analysis: undefined,
    tag: undefined,
    actor: 'alice@ci',
    pausedAt: new Date('2026-12-08T00:10:42Z'),
    ...changes,
  };
}
