import { ErrorCode, type TargetOutcome, type TomcatPdError } from '@tomcat-pd/core';
import type { CliContext } from './context.js';

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

/**
 * `web3: cannot be reached: <message>`, one line per target that failed, after the report of the
 * others. Only with several targets: the error of a single target is the error message itself.
 */
export function renderTargetErrors(
  errors: { target: string; error: TomcatPdError }[],
  several: boolean,
): string {
  if (!several) return '';
  return errors
    .map(({ target, error }) =>
      error.code === ErrorCode.connect
        ? `${target}: cannot be reached: ${error.message}`
        : `${target}: failed (${error.code}): ${error.message}`,
    )
    .join('\n');
}

/** The non-empty blocks, a blank line between them. */
export function joinBlocks(...blocks: string[]): string {
  return blocks.filter((block) => block !== '').join('\n\n');
}

/**
 * Prints the merged report: always with --json (so that a failed target's error does not become
 * a second document), for people only when there is something to show: when the one target
 * failed, its error on stderr says it all.
 */
export function printReport(context: CliContext, document: unknown, human: () => string): void {
  if (context.output.json) {
    context.output.result(document, () => '');
    return;
  }
  const text = human();
  if (text !== '') context.output.result(document, () => text);
}
