import { libraryWords, type HintWords } from './hints.js';
import { InternalError } from './internal-error.js';
import { isTomcatPdError, type ErrorData, type TomcatPdError } from './tomcat-pd-error.js';

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
