import { ErrorCode } from './error-codes.js';
import { redactSecrets } from './redact-secrets.js';
import { TomcatPdError } from './tomcat-pd-error.js';

/** An exception the library did not expect (`E_INTERNAL`): a bug, which says so. */
export class InternalError extends TomcatPdError {
  constructor(cause: unknown) {
    const what = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(ErrorCode.internal, `tomcat-pd failed unexpectedly (${what}).`, {
      hint: ['This is a bug in tomcat-pd: ', { bugReport: true }, '.'],
      cause,
    });
    this.name = 'InternalError';
    // The stack is where the bug is; a stack names files and functions, never a secret.
    if (cause instanceof Error && cause.stack !== undefined) this.stack = redactSecrets(cause.stack);
  }
}
