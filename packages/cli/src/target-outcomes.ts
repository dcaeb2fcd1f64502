import type { TargetOutcome, TomcatPdError } from '@tomcat-pd/core';

/** A target that could not do its part, as it appears in a JSON document's `errors`. */
export interface TargetErrorDocument {
  target: string;
  error: { code: string; message: string; hint?: string };
}

/** Splits per-target outcomes into the values of the targets that answered and the errors of the rest. */
export function splitOutcomes<T>(outcomes: TargetOutcome<T>[]): {
  values: { target: string; value: T }[];
  errors: { target: string; error: TomcatPdError }[];
} {
  return {
    values: outcomes.flatMap((o) => (o.ok ? [{ target: o.target, value: o.value }] : [])),
    errors: outcomes.flatMap((o) => (o.ok ? [] : [{ target: o.target, error: o.error }])),
  };
}

/** The `errors` of a JSON document: one entry per target that failed. */
export function errorsDocument(errors: { target: string; error: TomcatPdError }[]): TargetErrorDocument[] {
  return errors.map(({ target, error }) => ({
    target,
    error: {
      code: error.code,
      message: error.message,
      ...(error.hint === undefined ? {} : { hint: error.hint }),
    },
  }));
}

/**
 * After the result of the targets that answered is printed, the first failed target decides the
 * exit code (its error is shown on stderr; stdout already holds the one document).
 */
export function throwFirstError(errors: { target: string; error: TomcatPdError }[]): void {
  const [first] = errors;
  if (first !== undefined) throw first.error;
}
