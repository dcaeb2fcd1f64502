import type { TomcatPdError } from '../../src/errors/tomcat-pd-error.js';

/** The error `promise` rejects with; the test fails when it fulfils instead. */
export async function failureOf(promise: Promise<unknown>): Promise<TomcatPdError> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as TomcatPdError,
  );
}
