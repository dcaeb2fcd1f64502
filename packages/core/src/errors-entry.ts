/**
 * @tomcat-pd/core/errors: the errors alone, a light entry (no HTTP, no zip reader), for a caller
 * that only classifies errors, such as the CLI's exit-code mapping.
 */
export {
  AnalysisError,
  ConnectionError,
  ErrorCode,
  FleetOperationError,
  InternalError,
  NoStatusJsonError,
  ProbeError,
  TomcatFailError,
  TomcatPdError,
  UnsafeOperationError,
  UsageError,
  WarCheckError,
  errorData,
  failsEveryTime,
  isTomcatPdError,
  redactSecrets,
  toTomcatPdError,
} from './errors/errors.js';
export type { ErrorData, ErrorDocument, FailKind, FleetTargetReport, SafetyRule } from './errors/errors.js';
