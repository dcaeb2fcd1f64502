/**
 * The base of the one error hierarchy. Errors never hold a secret: whatever could carry a
 * password (a socket error, a request, an Authorization header) is mapped to plain fields in the
 * transport before an error is constructed, and every text passes through {@link redactSecrets}
 * as a second line of defence. An error is a value: once built nothing changes it, and a note
 * added later ({@link TomcatPdError.withNote}) makes a new error.
 */
import type { ErrorCode } from './error-codes.js';
import { libraryWords, renderHint, type HintPart, type HintWords } from './hints.js';
import { redactSecrets } from './redact-secrets.js';

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
  /** The hint's typed parts, for a caller that words options its own way (see {@link TomcatPdError.hintIn}). */
  readonly hintParts: readonly HintPart[] | undefined;

  constructor(code: ErrorCode, message: string, options: TomcatPdErrorOptions = {}) {
    super(redactSecrets(message), options.cause === undefined ? {} : { cause: describeCause(options.cause) });
    this.name = 'TomcatPdError';
    this.code = code;
    if (options.url !== undefined) this.url = redactSecrets(options.url);
    if (options.status !== undefined) this.status = options.status;
    this.hintParts = redactedParts(options.hint);
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** The hint in the library's words (`the version option`); see {@link TomcatPdError.hintIn}. */
  get hint(): string | undefined {
    return this.hintIn(libraryWords);
  }

  /** The hint in `words` (the CLI names flags instead of options). */
  hintIn(words: HintWords): string | undefined {
    const text = renderHint(this.hintParts, words);
    return text === undefined ? undefined : redactSecrets(text);
  }

  /**
   * The same error with a note before its hint (what the server looks like after a failed step,
   * say): a new error of the same class, with the same fields and stack; this one is unchanged.
   */
  withNote(note: string): this {
    const hint = this.hintParts === undefined ? [note] : [note, ' ', ...this.hintParts];
    const copy = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.defineProperties(copy, {
      ...Object.getOwnPropertyDescriptors(this),
      hintParts: { value: redactedParts(hint), enumerable: true },
    });
    return copy;
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

/** True for any error of this library, also across an ESM and a CJS copy of it. */
export function isTomcatPdError(error: unknown): error is TomcatPdError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** A hint given as words or parts, its texts redacted. */
function redactedParts(hint: TomcatPdErrorOptions['hint']): readonly HintPart[] | undefined {
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
