import { describe, expect, it } from 'vitest';
import { metaspaceUse, residentOverLimit } from '../../../src/ops/status/resident.js';

describe('resident versions', () => {
  const report = {
    target: 'web1',
    apps: [
      { path: '/shop', versions: [1, 2, 3, 4, 5, 6] },
      { path: '/cart', versions: [1, 2, 3, 4, 5] },
    ],
  };

  it('an app over the limit is named with its count; one at the limit is not', () => {
    expect(residentOverLimit(report)).toEqual([{ target: 'web1', path: '/shop', versions: 6, max: 5 }]);
    expect(residentOverLimit(report, 4).map((over) => over.path)).toEqual(['/shop', '/cart']);
    expect(residentOverLimit(report, 6)).toEqual([]);
  });
});

describe('Metaspace use', () => {
  const pool = (usedBytes: number, maxBytes: number | null) => ({
    name: 'Metaspace',
    type: 'Non-heap memory',
    usedBytes,
    maxBytes,
  });

  it('the share of its limit, near the limit only above 80%', () => {
    expect(metaspaceUse(pool(81, 100))).toEqual({
      usedBytes: 81,
      maxBytes: 100,
      share: 0.81,
      nearLimit: true,
    });
    expect(metaspaceUse(pool(80, 100)).nearLimit).toBe(false);
  });

  it('no limit (Tomcat reports -1 as null): no share, never near it', () => {
    expect(metaspaceUse(pool(10 ** 9, null))).toEqual({
      usedBytes: 10 ** 9,
      maxBytes: null,
      share: undefined,
      nearLimit: false,
    });
  });
});
