import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors/error-codes.js';
import {
  decodeRolloutRecord,
  encodeRolloutRecord,
  type RolloutRecord,
} from '../../../src/ops/promote/rollout-record.js';
import { parseProbeOptions } from '../../../src/ops/probe/probe-options.js';
import { parseAnalysisOptions } from '../../../src/ops/analyze/analysis-options.js';

const record: RolloutRecord = {
  path: '/shop',
  version: '004-3f9c2ab',
  buildId: '3f9c2ab',
  afterStep: 1,
  steps: 3,
  took: ['web1'],
  remaining: [
    { targets: ['web2'], pause: { pause: 'timed', ms: 600_000 } },
    { targets: ['web3', 'web4'], pause: undefined },
  ],
  war: { size: 1234, sha256: 'ab'.repeat(32) },
  probe: parseProbeOptions({ paths: ['/health'], expectText: 'ok' }),
  analysis: parseAnalysisOptions({ windowMs: 120_000 }),
  tag: undefined,
  actor: 'alice@ci',
  pausedAt: new Date('2026-12-08T00:10:00Z'),
};

const unreadable = (text: string) => {
  try {
    decodeRolloutRecord(text);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error(`${text} was read`);
};

describe('the paused rollout record', () => {
  it('comes back as it was written, as compact JSON of a few hundred bytes', () => {
    const text = encodeRolloutRecord(record);
    expect(decodeRolloutRecord(text)).toEqual(record);
    expect(text).not.toMatch(/\s"|":\s/);
    expect(text.length).toBeLessThan(600);
    const bare = { ...record, buildId: undefined, probe: undefined, analysis: undefined, tag: 'rc1' };
    expect(decodeRolloutRecord(encodeRolloutRecord(bare))).toEqual(bare);
  });

  it('refuses, as a protocol error, what is not such a record', () => {
    const stored = JSON.parse(encodeRolloutRecord(record)) as Record<string, unknown>;
    const variant = (change: Record<string, unknown>) => JSON.stringify({ ...stored, ...change });
    for (const [text, why] of [
      ['not json', /cannot be read/],
      [variant({ f: 2 }), /format is 2, not 1/],
      [variant({ path: 'shop' }), /Invalid context path/],
      [variant({ version: 'a b' }), /Version "a b" contains a space/],
      [variant({ step: [1, 4] }), /step 1 of 4 does not fit 2 steps left/],
      [variant({ step: [0, 2] }), /step 0 of 2/],
      [variant({ war: [1234, 'xyz'] }), /no size and SHA-256/],
      [variant({ took: [] }), /a step has no target/],
      [variant({ took: ['web2'] }), /a target is in two steps/],
      [
        variant({ step: [1, 2], rest: [{ t: ['web2'], p: 'manual' }] }),
        /do not end with a step that deploys/,
      ],
      [variant({ rest: [{ t: ['web2'], p: 'soon' }, { t: ['web3'] }] }), /"soon" is no pause/],
      [variant({ took: 'web1' }), /not a list of names/],
      [variant({ actor: 7 }), /actor is not text/],
      [variant({ at: 'yesterday' }), /no date/],
      [variant({ probe: { paths: [] } }), /at least one path/],
      [variant({ analysis: { windowMs: 0 } }), /analysis window/],
    ] as const) {
      const error = unreadable(text);
      expect(error.code, text).toBe(ErrorCode.protocol);
      expect(error.message, text).toMatch(why);
    }
  });
});
