import { describe, expect, it } from 'vitest';
import { oneAtATime } from '../../../src/balancer/nginx/one-at-a-time.js';

describe('oneAtATime', () => {
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
      oneAtATime('/a.conf', task('a1', 30, true)),
      oneAtATime('/a.conf', task('a2', 1)),
      oneAtATime('/b.conf', task('b1', 1)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events.indexOf('a2 start')).toBeGreaterThan(events.indexOf('a1 end'));
    expect(events.indexOf('b1 end')).toBeLessThan(events.indexOf('a1 end'));
  });
});
