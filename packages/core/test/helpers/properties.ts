/**
 * How the property tests (fast-check) judge what they call: the validators and the parsers of
 * Manager answers, fed arbitrary text and text built from Manager-like fragments, either return
 * well-formed data or throw a TomcatPdError with one of the documented codes; never a TypeError,
 * RangeError or URIError. Each property runs {@link RUNS} times (about 2 s for all of them).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { ErrorCode } from '../../src/errors/error-codes.js';
import { isTomcatPdError, type TomcatPdError } from '../../src/errors/tomcat-pd-error.js';

export const RUNS = 3000;

/** What a parser of a Manager answer may throw: not a Manager answer, a broken line, a refusal. */
export const PARSER_CODES = [ErrorCode.notManager, ErrorCode.protocol, ErrorCode.tomcatFail];

/** `fn()`'s value, or `undefined` if it threw a TomcatPdError with one of `codes`; anything else fails. */
export function valueOrTypedError<T>(fn: () => T, codes: readonly ErrorCode[]): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (!isTomcatPdError(error)) throw new Error(`untyped error: ${String(error)}`, { cause: error });
    expect(codes).toContain(error.code);
    return undefined;
  }
}

/** Asserts `property` for {@link RUNS} runs and that `reached()` (a count of successful parses) is not rare. */
export function assertReaching<Ts>(property: fc.IProperty<Ts>, reached: () => number): void {
  fc.assert(property, { numRuns: RUNS });
  // The generators must reach the success path too, not only the errors (about 1 run in 8 does).
  expect(reached()).toBeGreaterThan(RUNS / 20);
}

/** The E_USAGE error `fn` throws; fails the test when it throws anything else or nothing. */
export function usageErrorOf(fn: () => unknown): TomcatPdError {
  try {
    fn();
  } catch (error) {
    expect(isTomcatPdError(error) && error.code === ErrorCode.usage, String(error)).toBe(true);
    return error as TomcatPdError;
  }
  throw new Error('expected E_USAGE');
}
