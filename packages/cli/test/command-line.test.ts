import { describe, expect, it } from 'vitest';
import { ErrorCode, TomcatPdError, type UsageError } from '@tomcat-pd/core';
import { validateContextPath } from '@tomcat-pd/core/internal';
import { CommandLineError, fromCommandLine, requirePath } from '../src/command-line.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('fromCommandLine', () => {
  it('makes a usage error of the parse a CommandLineError, keeping message, hint and name', () => {
    const error = thrown(() => fromCommandLine(() => validateContextPath('shop')));
    expect(error).toBeInstanceOf(CommandLineError);
    expect(error).toMatchObject({
      name: 'UsageError',
      code: 'E_USAGE',
      message: expect.stringContaining('"shop"'),
    });
    expect((error as UsageError).hint).toBe('Write it as /shop, or / for ROOT.');
  });

  it('passes other errors and the value through', () => {
    const other = new TomcatPdError(ErrorCode.operation, 'no');
    expect(thrown(() => fromCommandLine(() => thrower(other)))).toBe(other);
    expect(fromCommandLine(() => 42)).toBe(42);
  });
});

function thrower(error: unknown): never {
  throw error;
}

describe('requirePath', () => {
  it('takes --path, else the config default, else says how to give one', () => {
    expect(requirePath('/a', { path: '/b' })).toBe('/a');
    expect(requirePath(undefined, { path: '/b' })).toBe('/b');
    expect(thrown(() => requirePath(undefined, {}))).toMatchObject({
      code: 'E_USAGE',
      message: expect.stringContaining('--path'),
    });
  });
});
