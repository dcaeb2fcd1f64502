import { describe, expect, it } from 'vitest';
import type { PausedDeploy } from '@tomcat-pd/core/internal';
import { rolloutRecord } from '../helpers/rollout-record.js';
import {
  pausedDocument,
  pausedRolloutLine,
  renderAbort,
  renderPaused,
} from '../../src/render/paused-rollout.js';

const paused: PausedDeploy = {
  afterStep: 1,
  steps: 3,
  took: ['web1'],
  remaining: [
    { targets: ['web2'], pause: { pause: 'timed', ms: 60_000 } },
    { targets: ['web3'], pause: undefined },
  ],
  war: { size: 10, sha256: 'ab'.repeat(32) },
};

describe('a paused rollout rendered', () => {
  it('says where the deploy stopped and both ways on', () => {
    expect(renderPaused('/shop', 'shop.war', paused)).toBe(
      'paused after step 1 of 3: promote or abort (tomcat-pd promote --path /shop shop.war | tomcat-pd abort --path /shop)',
    );
    expect(pausedDocument(paused)).toEqual({
      afterStep: 1,
      steps: 3,
      took: ['web1'],
      remaining: [
        { targets: ['web2'], pause: 60_000 },
        { targets: ['web3'], pause: null },
      ],
    });
  });

  it('in status: who paused it and since when', () => {
    const record = rolloutRecord({ ...paused, pausedAt: new Date('2026-12-08T00:10:42Z') });
    expect(pausedRolloutLine(record)).toBe(
      '/shop version 004: paused after step 1 of 3 by alice@ci since 2026-12-08 00:10 UTC: promote or abort',
    );
  });

  it('an abort: where the version was undeployed, and where it was not', () => {
    expect(
      renderAbort({
        path: '/shop',
        version: '004',
        targets: [
          { target: 'web1', outcome: 'undeployed' },
          { target: 'web2', outcome: 'absent' },
        ],
      }),
    ).toBe('Aborted the rollout of /shop version 004: undeployed from web1 (not on web2).');
    expect(
      renderAbort({ path: '/shop', version: '004', targets: [{ target: 'web1', outcome: 'absent' }] }),
    ).toBe('Aborted the rollout of /shop version 004: it was on no target.');
  });
});
