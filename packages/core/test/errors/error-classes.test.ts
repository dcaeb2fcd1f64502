import { describe, expect, it } from 'vitest';
import { UnsafeOperationError, usageError } from '../../src/errors/error-classes.js';

describe('the error classes', () => {
  it('UnsafeOperationError adds the rule', () => {
    const error = new UnsafeOperationError('ordering-invariant', '1000 sorts below 999');
    expect(error.code).toBe('E_UNSAFE');
    expect(error.toJSON()).toMatchObject({ name: 'UnsafeOperationError', rule: 'ordering-invariant' });
  });

  it('usageError makes an E_USAGE with an optional hint', () => {
    // One name per kind: every E_USAGE is a UsageError, as the CLI's own command-line errors are.
    expect(usageError('bad').toJSON()).toEqual({ name: 'UsageError', code: 'E_USAGE', message: 'bad' });
    expect(usageError('bad', 'do this').hint).toBe('do this');
  });
});
