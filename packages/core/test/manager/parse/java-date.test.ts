import { describe, expect, it } from 'vitest';
import { parseJavaDate } from '../../../src/manager/parse/java-date.js';

describe('parseJavaDate', () => {
  it('reads Date.toString() in the zones it can name, and nothing it cannot', () => {
    expect(parseJavaDate('Tue Dec 01 23:55:15 UTC 2026')).toBe(Date.UTC(2026, 11, 1, 23, 55, 15));
    expect(parseJavaDate('Wed Jul 01 10:00:00 CEST 2026')).toBe(Date.UTC(2026, 6, 1, 8, 0, 0));
    expect(parseJavaDate('Tue Dec 01 05:30:00 GMT+05:30 2026')).toBe(Date.UTC(2026, 11, 1, 0, 0, 0));
    expect(parseJavaDate('Tue Dec 01 23:55:15 PST 2026')).toBe(Date.UTC(2026, 11, 2, 7, 55, 15));
    expect(parseJavaDate('Tue Dec 01 23:55:15 IST 2026')).toBeUndefined();
    expect(parseJavaDate('2026-12-01T23:55:15Z')).toBeUndefined();
  });
});
