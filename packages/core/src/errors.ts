/**
 * One error hierarchy with stable string codes. Errors never hold a secret: whatever could
 * carry a password (an HTTP library's error, a request config, an Authorization header) is mapped to
 * plain fields in the transport before an error is constructed, and every message passes
 * through {@link redactSecrets} as a second line of defence.
 */

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
} as const;

export type ErrorCodeValue = (typeof ErrorCode)[keyof typeof ErrorCode];

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
  url?: string;
  /** The HTTP status, when there was an answer. */
  status?: number;
  /** A short hint how to fix it, shown after the message. */
  hint?: string;
  /** The underlying error; stored only as its code and message so it cannot carry a secret. */
  cause?: unknown;
}

/** The base of every error the library throws. Check with {@link isTomcatPdError}. */
export class TomcatPdError extends Error {
  readonly code: ErrorCodeValue;
  readonly url?: string;
  readonly status?: number;
  readonly hint?: string;

  constructor(code: ErrorCodeValue, message: string, options: TomcatPdErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? {} : { cause: describeCause(options.cause) });
    this.name = 'TomcatPdError';
    this.code = code;
    if (options.url !== undefined) this.url = redactSecrets(options.url);
    if (options.status !== undefined) this.status = options.status;
    if (options.hint !== undefined) this.hint = redactSecrets(options.hint);
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** Puts a note before the hint: what the server looks like after a failed step, say. */
  prependHint(note: string): this {
    (this as { hint?: string }).hint = redactSecrets(this.hint === undefined ? note : `${note} ${this.hint}`);
    return this;
  }

  /** A plain, secret-free object: what `JSON.stringify(error)` prints. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.url === undefined ? {} : { url: this.url }),
      ...(this.status === undefined ? {} : { status: this.status }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
    };
  }
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

/**
 * What a `FAIL - ...` line means, for decisions (TOMCAT-SOURCE.md section 2):
 * - `already-exists`: `FAIL - Application already exists at path [/app##002]`
 * - `failed-to-start`: `FAIL - Deployed application at context path [/app##003] but context failed to start`
 *   (the stopped context stays behind)
 * - `failed-to-deploy`: `FAIL - Failed to deploy application at context path [/app##003]`
 * - `no-context`: `FAIL - No context exists named [&#47;app##999]`
 * - `busy`: `FAIL - The application [/app##3] is already being serviced` (a conflict, never success)
 * - `invalid-path`: `FAIL - Invalid context path [..] was specified`
 * - `other`: anything else (`Encountered exception [...]`, `Unable to delete [...]`, ...)
 */
export type FailKind =
  | 'already-exists'
  | 'failed-to-start'
  | 'failed-to-deploy'
  | 'no-context'
  | 'busy'
  | 'invalid-path'
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

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), command: this.command, kind: this.kind, tomcatMessage: this.tomcatMessage };
  }
}

/** A safety rule refused the operation. `rule` names it (e.g. `ordering-invariant`). */
export class UnsafeOperationError extends TomcatPdError {
  readonly rule: string;

  constructor(rule: string, message: string, options: TomcatPdErrorOptions = {}) {
    super(ErrorCode.unsafe, message, options);
    this.name = 'UnsafeOperationError';
    this.rule = rule;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), rule: this.rule };
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
  error?: { code: string; message: string; hint?: string };
}

/**
 * A multi-target operation failed on some target. `code` is the first failure's code (so the
 * exit code says why); `targets` says what happened on each target.
 */
export class FleetOperationError extends TomcatPdError {
  readonly targets: FleetTargetReport[];

  /** Without a `hint` of its own, it keeps the first error's (the 401 lock-out, the 403 causes, ...). */
  constructor(first: TomcatPdError, message: string, targets: FleetTargetReport[], hint = first.hint) {
    super(first.code, message, hint === undefined ? {} : { hint });
    this.name = 'FleetOperationError';
    this.targets = targets;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), targets: this.targets };
  }
}

/** A target's error, as plain data for a report. */
export function describeTargetError(error: TomcatPdError): { code: string; message: string; hint?: string } {
  return {
    code: error.code,
    message: error.message,
    ...(error.hint === undefined ? {} : { hint: error.hint }),
  };
}

/** True for any error of this library, also across an ESM and a CJS copy of it. */
export function isTomcatPdError(error: unknown): error is TomcatPdError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** Any thrown value as a typed error; an unexpected one keeps only its message. */
export function asTomcatPdError(error: unknown): TomcatPdError {
  if (isTomcatPdError(error)) return error;
  return new TomcatPdError(ErrorCode.operation, error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/** The app or version named is not deployed on the target. */
export function notFoundError(message: string, hint?: string): TomcatPdError {
  return new TomcatPdError(ErrorCode.notFound, message, hint === undefined ? {} : { hint });
}

/** Shorthand for an invalid-input error: nothing was sent. */
export function usageError(message: string, hint?: string): TomcatPdError {
  return new TomcatPdError(ErrorCode.usage, message, hint === undefined ? {} : { hint });
}
