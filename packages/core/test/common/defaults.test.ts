import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/common/defaults.js';

interface Options {
  graceMs?: number | undefined;
  keep?: number | undefined;
  path?: string | undefined;
}

describe('withDefaults', () => {
  it('fills in what is absent and what is undefined; a given value wins, 0 and false included', () => {
    const defaults = { graceMs: 10_000, keep: 1 };
    expect(withDefaults<Options, typeof defaults>({}, defaults)).toEqual({ graceMs: 10_000, keep: 1 });
    // An unset flag passed on as `graceMs: flag` means the default, as it reads.
    expect(withDefaults<Options, typeof defaults>({ graceMs: undefined, keep: 0 }, defaults)).toEqual({
      graceMs: 10_000,
      keep: 0,
    });
    expect(withDefaults({ graceMs: 5, path: '/a' }, defaults)).toEqual({ graceMs: 5, keep: 1, path: '/a' });
  });

  it('leaves the options and the defaults as they were', () => {
    const options: Options = { graceMs: undefined };
    const defaults = { graceMs: 1 };
    withDefaults(options, defaults);
    expect(options).toEqual({ graceMs: undefined });
    expect(defaults).toEqual({ graceMs: 1 });
  });
});
