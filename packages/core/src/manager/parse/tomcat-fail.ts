/**
 * Tomcat's `FAIL - ...` answers: what each means for a decision, and the error that carries it.
 * The words are the English catalogue of ManagerServlet's LocalStrings.properties
 * (docs/tomcat-manager.md#fail-answers).
 */
import { ErrorCode } from '../../errors/error-codes.js';
import { TomcatPdError, type TomcatPdErrorOptions } from '../../errors/tomcat-pd-error.js';

/**
 * What a `FAIL - ...` line means, for decisions:
 * - `already-exists`: `FAIL - Application already exists at path [/app##002]`
 * - `failed-to-start`: `FAIL - Deployed application at context path [/app##003] but context failed to start`
 *   (the stopped context stays behind)
 * - `failed-to-deploy`: `FAIL - Failed to deploy application at context path [/app##003]`
 * - `no-context`: `FAIL - No context exists named [&#47;app##999]`
 * - `busy`: `FAIL - The application [/app##3] is already being serviced` (a conflict, never success)
 * - `invalid-path`: `FAIL - Invalid context path [..] was specified`
 * - `not-deployed`: `FAIL - Context [/app##3] is defined in server.xml and may not be undeployed`
 *   (also what a context still being deployed gets: HostConfig has not recorded it yet)
 * - `other`: anything else (`Encountered exception [...]`, `Unable to delete [...]`, ...)
 */
export type FailKind =
  | 'already-exists'
  | 'failed-to-start'
  | 'failed-to-deploy'
  | 'no-context'
  | 'busy'
  | 'invalid-path'
  | 'not-deployed'
  | 'other';

/** Tomcat answered `FAIL - ...` (`E_TOMCAT_FAIL`); `tomcatMessage` is its text with HTML entities decoded. */
export class TomcatFailError extends TomcatPdError {
  readonly tomcatMessage: string;
  readonly command: string;
  readonly kind: FailKind;

  constructor(command: string, tomcatMessage: string, kind: FailKind, options: TomcatPdErrorOptions = {}) {
    super(ErrorCode.tomcatFail, `Tomcat refused ${command}: ${tomcatMessage}`, options);
    this.name = 'TomcatFailError';
    this.command = command;
    this.tomcatMessage = tomcatMessage;
    this.kind = kind;
  }

  protected override details(): Record<string, unknown> {
    return { command: this.command, kind: this.kind, tomcatMessage: this.tomcatMessage };
  }
}

const FAIL_PREFIX = 'FAIL - ';

// Each pattern matches both the bracketed form (8.5.15+, 9.0.0.M21+, 7.0.93+) and the
// bracket-less older one, because only the words around `{0}` are tested. The message must
// already be entity-decoded. MS = Tomcat's `java/org/apache/catalina/manager/ManagerServlet.java`.
const FAIL_PATTERNS: ReadonlyArray<readonly [RegExp, FailKind]> = [
  // MS deploy(): `FAIL - Application already exists at path [{0}]`
  [/^Application already exists at path /, 'already-exists'],
  // MS writeDeployResult(): `FAIL - Deployed application at context path [{0}] but context failed to start`
  [/^Deployed application at context path .* but context failed to start$/, 'failed-to-start'],
  // MS writeDeployResult(): `FAIL - Failed to deploy application at context path [{0}]`
  [/^Failed to deploy application at context path /, 'failed-to-deploy'],
  // `FAIL - No context exists named [{0}]` ({0} HTML-escaped: `[&#47;app##999]`)
  [/^No context exists named /, 'no-context'],
  // `FAIL - The application [{0}] is already being serviced` (HostConfig servicedSet, docs/tomcat-manager.md#already-being-serviced)
  [/^The application .* is already being serviced$/, 'busy'],
  // `FAIL - Invalid context path [{0}] was specified` ({0} HTML-escaped)
  [/^Invalid context path .* was specified$/, 'invalid-path'],
  // MS undeploy(): `FAIL - Context [{0}] is defined in server.xml and may not be undeployed`
  // (managerServlet.notDeployed); also the answer while HostConfig has not recorded a deploy yet.
  [/^Context .* is defined in server\.xml and may not be undeployed$/, 'not-deployed'],
];

/**
 * Tells what a `FAIL - ...` message means. Accepts the message with or without the `FAIL - ` prefix;
 * pass it entity-decoded (as `ManagerAnswer.message` is).
 *
 * @example classifyFailure('No context exists named [/app##999]') // 'no-context'
 */
export function classifyFailure(message: string): FailKind {
  const text = message.startsWith(FAIL_PREFIX) ? message.slice(FAIL_PREFIX.length) : message;
  for (const [pattern, kind] of FAIL_PATTERNS) {
    if (pattern.test(text)) return kind;
  }
  return 'other';
}
