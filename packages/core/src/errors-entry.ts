/**
 * @tomcat-pd/core/errors: the errors alone, a light entry (no HTTP, no zip reader), for a caller
 * that only classifies errors, such as the CLI's exit-code mapping.
 */
export { ErrorCode } from './errors/error-codes.js';
export { TomcatPdError, isTomcatPdError } from './errors/tomcat-pd-error.js';
export {
  AbortedError,
  AnalysisError,
  ConnectionError,
  FleetOperationError,
  NoStatusJsonError,
  ProbeError,
  SshError,
  UnsafeOperationError,
  UsageError,
  WarCheckError,
} from './errors/error-classes.js';
export { InternalError } from './errors/internal-error.js';
export { TomcatFailError } from './manager/parse/tomcat-fail.js';
