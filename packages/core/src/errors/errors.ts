/**
 * One error hierarchy with stable string codes. Errors never hold a secret: whatever could
 * carry a password (a socket error, a request, an Authorization header) is mapped to plain
 * fields in the transport before an error is constructed, and every text passes through
 * {@link redactSecrets} as a second line of defence. Each code is thrown as one class, so that
 * a document's `name` always tells the same kind (a usage error is always a `UsageError`).
 */
import type { ProbeResult } from '../common/probe-result.js';
import type { AnalysisReport } from '../common/analysis-report.js';
import { libraryWords, renderHint, type HintPart, type HintWords } from './hints.js';
import type { CheckFinding } from '../common/check-report.js';

/** Stable error codes: scripts and the CLI's exit-code mapping rely on these strings. */
export const ErrorCode = {
  /** 401: wrong user or password, or the user is locked out by Tomcat's LockOutRealm. */
  auth: 'E_AUTH',
  /** 403: the user lacks the `manager-script` role, or the client address is not allowed. */
  forbidden: 'E_FORBIDDEN',
  /** The URL answers, but not as Tomcat's Manager text API (404, HTML, a redirect, ...). */
  notManager: 'E_NOT_MANAGER',
  /** No connection could be made, it broke, or the server stopped answering in time. */
  connect: 'E_CONNECT',
  /** The server (or a proxy in front of it) answered with a 5xx status. */
  server: 'E_SERVER',
  /** Tomcat answered `FAIL - ...`. */
  tomcatFail: 'E_TOMCAT_FAIL',
  /** The app or version named does not exist on the target (a read was sent to find out). */
  notFound: 'E_NOT_FOUND',
  /** Tomcat's answer could not be understood (an unexpected line in a `list`, say). */
  protocol: 'E_PROTOCOL',
  /** The caller's input is invalid; nothing was sent. */
  usage: 'E_USAGE',
  /** A safety rule refused the operation; nothing was changed. */
  unsafe: 'E_UNSAFE',
  /** A step of an operation failed after the server was changed and could not be undone. */
  operation: 'E_OPERATION',
  /** The caller's AbortSignal fired. */
  aborted: 'E_ABORTED',
  /** The app did not answer healthy to a probe (the version it probed was removed, or is named). */
  probe: 'E_PROBE',
  /** A canary analysis found the new version's error rate too high (or had too few requests, when that counts): it was removed. */
  analysis: 'E_ANALYSIS',
  /** An exception the library did not expect: a bug, to be reported. */
  internal: 'E_INTERNAL',
} as const;

/** One of the {@link ErrorCode} values. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error as plain data: what a report or a JSON document holds of it. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  hint?: string;
}

/** The whole error as plain data: `name`, the {@link ErrorData}, and what its kind adds. */
export interface ErrorDocument extends ErrorData {
  name: string;
  url?: string;
  status?: number;
  [detail: string]: unknown;
}

const BRAND = Symbol.for('tomcat-pd.error');

// Basic credentials in a URL (`http://user:pass@host`) and Authorization header values.
const SECRET_PATTERNS: readonly RegExp[] = [
  // Up to the last `@` before the host, as a URL parser reads it: a password may contain `@`.
  /(\/\/)[^/?#\s:@]+:[^/?#\s]*@/g,
  /(authorization["']?\s*[:=]\s*["']?)(basic|bearer)\s+[^\s"',}]+/gi,
];

/** Removes URL credentials and Authorization values from a text. */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (result, pattern) =>
      result.replace(pattern, (_match, prefix: string) => `${prefix}[redacted]${prefix === '//' ? '@' : ''}`),
    text,
  );
}

export interface TomcatPdErrorOptions {
  /** The Manager URL (without credentials) the error concerns, if any. */
  url?: string | undefined;
  /** The HTTP status, when there was an answer. */
  status?: number | undefined;
  /** How to fix it, shown after the message: words, or parts that name options (see hints.ts). */
  hint?: string | readonly HintPart[] | undefined;
  /** The underlying error; stored only as its code and message so it cannot carry a secret. */
  cause?: unknown;
}

/** The base of every error the library throws. Check with {@link isTomcatPdError}. */
export class TomcatPdError extends Error {
  readonly code: ErrorCode;
  readonly url?: string;
  readonly status?: number;
  #hint: readonly HintPart[] | undefined;

  constructor(code: ErrorCode, message: string, options: TomcatPdErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? {} : { cause: describeCause(options.cause) });
    this.name = 'TomcatPdError';
    this.code = code;
    if (options.url !== undefined) this.url = redactSecrets(options.url);
    if (options.status !== undefined) this.status = options.status;
    this.#hint = hintParts(options.hint);
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The hint in the library's words (`the version option`); see {@link TomcatPdError.hintIn}. */
  get hint(): string | undefined {
    return this.hintIn(libraryWords);
  }

  /** The hint's typed parts, for a caller that words options its own way. */
  get hintParts(): readonly HintPart[] | undefined {
    return this.#hint;
  }

  /** The hint in `words` (the CLI names flags instead of options). */
  hintIn(words: HintWords): string | undefined {
    const text = renderHint(this.#hint, words);
    return text === undefined ? undefined : redactSecrets(text);
  }

  /** Puts a note before the hint: what the server looks like after a failed step, say. */
  prependHint(note: string): this {
    this.#hint = this.#hint === undefined ? [redactSecrets(note)] : [redactSecrets(note), ' ', ...this.#hint];
    return this;
  }

  /** The error as plain data, its hint in `words`: what `JSON.stringify(error)` prints. */
  describe(words: HintWords = libraryWords): ErrorDocument {
    const hint = this.hintIn(words);
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.url === undefined ? {} : { url: this.url }),
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(hint === undefined ? {} : { hint }),
      ...this.details(words),
    };
  }

  toJSON(): ErrorDocument {
    return this.describe();
  }

  /** What a kind of error adds to its document. */
  protected details(_words: HintWords): Record<string, unknown> {
    return {};
  }
}

/** A hint given as words or parts, its texts redacted. */
function hintParts(hint: TomcatPdErrorOptions['hint']): readonly HintPart[] | undefined {
  if (hint === undefined) return undefined;
  const parts = typeof hint === 'string' ? [hint] : hint;
  return parts.map((part) => (typeof part === 'string' ? redactSecrets(part) : part));
}

/** Keeps only the code and a redacted message of an underlying error. */
function describeCause(cause: unknown): { code?: string; message: string } {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return {
      ...(typeof code === 'string' ? { code } : {}),
      message: redactSecrets(cause.message),
    };
  }
  return { message: redactSecrets(String(cause)) };
}

/** The caller's input is invalid (`E_USAGE`); nothing was sent. */
export class UsageError extends TomcatPdError {
  constructor(message: string, options: Omit<TomcatPdErrorOptions, 'status'> = {}) {
    super(ErrorCode.usage, message, options);
    this.name = 'UsageError';
  }
}

/**
 * The server has no status page in JSON (Tomcat before 8.5.96, 9.0.83, 10.1.16): what needs the
 * per-version metrics cannot run there (`E_USAGE`, a `UsageError`); what only reads them can do
 * without (`history` shows what `list` knows).
 */
export class NoStatusJsonError extends UsageError {}

/** What the transport knows of a failed connection, besides the words. */
export interface ConnectionFailure {
  /** The socket's or TLS layer's code (`ECONNREFUSED`, `ERR_NO_ANSWER`, ...), when there was one. */
  networkCode?: string | undefined;
  /** Whether the same read may well succeed when tried again (Tomcat restarting, a reset). */
  transient: boolean;
  /** The failure in words without its subject (`connection refused (...)`), for a report that names the URL itself. */
  reason?: string | undefined;
  /**
   * Whether the connection broke only after the whole WAR had been sent: Tomcat may have all of
   * it and still be deploying it, so an empty `list` right now proves nothing.
   */
  afterFullUpload?: boolean;
}

/** No connection could be made, it broke, or no answer came in time (`E_CONNECT`). */
export class ConnectionError extends TomcatPdError {
  readonly networkCode: string | undefined;
  readonly transient: boolean;
  readonly reason: string | undefined;
  readonly afterFullUpload: boolean;

  constructor(
    message: string,
    failure: ConnectionFailure,
    options: Omit<TomcatPdErrorOptions, 'status'> = {},
  ) {
    super(ErrorCode.connect, message, options);
    this.name = 'ConnectionError';
    this.networkCode = failure.networkCode;
    this.transient = failure.transient;
    this.reason = failure.reason;
    this.afterFullUpload = failure.afterFullUpload ?? false;
  }
}

/**
 * What a `FAIL - ...` line means, for decisions (docs/tomcat-manager.md#fail-answers):
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

/** Tomcat answered `FAIL - ...`; `tomcatMessage` is its text with HTML entities decoded. */
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

/** The safety rules an {@link UnsafeOperationError} names. */
export type SafetyRule =
  /** Deploy: the version exists and no update was asked for. */
  | 'no-overwrite'
  /** Deploy: the new version would not be the one Tomcat gives new visitors. */
  | 'ordering-invariant'
  /** Rollback: no version of the app runs. */
  | 'no-live-version'
  /** Rollback: no older version runs to take the traffic. */
  | 'no-older-running-version'
  /** Rollback: the version to go back to is live already, or newer. */
  | 'rollback-target-not-older'
  /** Rollback: the version to go back to is stopped. */
  | 'rollback-target-stopped'
  /** Undeploy: the version is live and the undeploy was not forced. */
  | 'live-version'
  /** Deploy: the WAR fails the parallel-deployment check: a second version could not work (docs/war-check.md). */
  | 'war-check';

/** A safety rule refused the operation (`E_UNSAFE`); nothing was changed. */
export class UnsafeOperationError extends TomcatPdError {
  readonly rule: SafetyRule;

  constructor(rule: SafetyRule, message: string, options: TomcatPdErrorOptions = {}) {
    super(ErrorCode.unsafe, message, options);
    this.name = 'UnsafeOperationError';
    this.rule = rule;
  }

  protected override details(): Record<string, unknown> {
    return { rule: this.rule };
  }
}

/**
 * The WAR has findings of severity `error` (`E_UNSAFE`, rule `war-check`): two versions of it
 * cannot run side by side, so it is not deployed; nothing was sent. `findings` are the errors.
 */
export class WarCheckError extends UnsafeOperationError {
  readonly findings: readonly CheckFinding[];

  constructor(message: string, findings: readonly CheckFinding[], options: TomcatPdErrorOptions = {}) {
    super('war-check', message, options);
    this.name = 'WarCheckError';
    this.findings = findings;
  }

  protected override details(): Record<string, unknown> {
    return { ...super.details(), findings: this.findings };
  }
}

/** What happened on one target of a multi-target operation that failed. */
export interface FleetTargetReport {
  target: string;
  /**
   * - `done`: the step succeeded there (and was kept);
   * - `undone`: it succeeded, then was undone because another target failed;
   * - `failed`: it failed there (and was cleaned up, see the error's hint);
   * - `not-started`: nothing was done there.
   */
  outcome: 'done' | 'undone' | 'failed' | 'not-started';
  /** Why it failed there, or why it could not be undone there. */
  error?: TomcatPdError | undefined;
  /** What the probes answered there (a smoke test, the probe after live), if any ran. */
  probes?: readonly ProbeResult[] | undefined;
  /** What the canary analysis found there, if one ran. */
  analysis?: AnalysisReport | undefined;
}

/**
 * A multi-target operation failed on some target. `code` is the first failure's code (so the
 * exit code says why); `targets` says what happened on each target.
 */
export class FleetOperationError extends TomcatPdError {
  readonly targets: readonly FleetTargetReport[];

  /** Without a `hint` of its own, it keeps the first error's (the 401 lock-out, the 403 causes, ...). */
  constructor(
    first: TomcatPdError,
    message: string,
    targets: readonly FleetTargetReport[],
    hint: string | readonly HintPart[] | undefined = first.hintParts,
  ) {
    super(first.code, message, { hint });
    this.name = 'FleetOperationError';
    this.targets = targets;
  }

  protected override details(words: HintWords): Record<string, unknown> {
    return {
      targets: this.targets.map(({ target, outcome, error, probes, analysis }) => ({
        target,
        outcome,
        ...(error === undefined ? {} : { error: errorData(error, words) }),
        ...(probes === undefined || probes.length === 0 ? {} : { probes }),
        ...(analysis === undefined ? {} : { analysis }),
      })),
    };
  }
}

/**
 * The app did not answer healthy (`E_PROBE`). `probes` says what each probe answered; the
 * message says what became of the version (removed, or live and named).
 */
export class ProbeError extends TomcatPdError {
  readonly probes: readonly ProbeResult[];

  constructor(message: string, probes: readonly ProbeResult[], hint?: string) {
    super(ErrorCode.probe, message, { hint });
    this.name = 'ProbeError';
    this.probes = probes;
  }

  protected override details(): Record<string, unknown> {
    return { probes: this.probes };
  }
}

/**
 * The canary analysis undid the new version (`E_ANALYSIS`): its error rate was above the limit,
 * or (when that was asked to count) it served too few requests for a verdict. `analysis` has the
 * figures; the message says what is live now.
 */
export class AnalysisError extends TomcatPdError {
  readonly analysis: AnalysisReport;

  constructor(message: string, analysis: AnalysisReport, hint?: string) {
    super(ErrorCode.analysis, message, { hint });
    this.name = 'AnalysisError';
    this.analysis = analysis;
  }

  protected override details(): Record<string, unknown> {
    return { analysis: this.analysis };
  }
}

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

/** True for any error of this library, also across an ESM and a CJS copy of it. */
export function isTomcatPdError(error: unknown): error is TomcatPdError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** Any thrown value as a typed error: one of this library's, or an {@link InternalError}. */
export function toTomcatPdError(error: unknown): TomcatPdError {
  return isTomcatPdError(error) ? error : new InternalError(error);
}

/** Any thrown value as plain data, its hint in `words`: the one conversion for reports. */
export function errorData(error: unknown, words: HintWords = libraryWords): ErrorData {
  const typed = toTomcatPdError(error);
  const hint = typed.hintIn(words);
  return { code: typed.code, message: typed.message, ...(hint === undefined ? {} : { hint }) };
}

/** The app or version named is not deployed on the target. */
export function notFoundError(message: string, hint?: string): TomcatPdError {
  return new TomcatPdError(ErrorCode.notFound, message, { hint });
}

/** Shorthand for an invalid-input error: nothing was sent. */
export function usageError(message: string, hint?: string | readonly HintPart[]): UsageError {
  return new UsageError(message, { hint });
}
