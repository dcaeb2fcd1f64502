import { describe, expect, it } from 'vitest';
import { inTurn } from '../../src/common/in-turn.js';

describe('inTurn', () => {
  it('runs the tasks of one key in turn, even after a failure, and other keys beside them', async () => {
    const events: string[] = [];
    const task =
      (name: string, ms: number, fail = false) =>
      async () => {
        events.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([
      inTurn('/a.conf', task('a1', 30, true)),
      inTurn('/a.conf', task('a2', 1)),
      inTurn('/b.conf', task('b1', 1)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('a2 start')).toBeGreaterThan(events.indexOf('a1 end'));
    expect(events.indexOf('b1 end')).toBeLessThan(events.indexOf('a1 end'));
  });
});
