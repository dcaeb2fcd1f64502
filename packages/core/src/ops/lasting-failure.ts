import { ErrorCode } from '../errors/error-codes.js';
import type { TomcatPdError } from '../errors/tomcat-pd-error.js';

/**
 * Whether the same request would fail the same way every time it is repeated: bad usage (no
 * status JSON on this Tomcat, say), a 401 or a 403. A loop that reads again on an interval stops
 * at one of these, as a 401 repeated every interval gets the user locked out by Tomcat's
 * LockOutRealm (5 failures; docs/tomcat-manager.md#lockout).
 */
export function failsEveryTime(error: TomcatPdError): boolean {
  return REPEATED_FAILURES.has(error.code);
}

const REPEATED_FAILURES: ReadonlySet<string> = new Set([
  ErrorCode.usage,
  ErrorCode.auth,
  ErrorCode.forbidden,
]);
