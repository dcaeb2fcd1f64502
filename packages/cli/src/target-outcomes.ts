import { ErrorCode, type ErrorData, type TargetOutcome, type TomcatPdError } from '@tomcat-pd/core';
import { errorData } from '@tomcat-pd/core/internal';
import type { CliContext } from './context.js';
import { cliWords } from './hint-words.js';

/** A target that could not do its part, as it appears in a JSON document's `errors`. */
export interface TargetErrorDocument {
  target: string;
  error: ErrorData;
}

/** A target that failed, with its error. */
export interface TargetError {
  target: string;
  error: TomcatPdError;
}

/** How a command shows the values of the targets that answered. */
export interface MergedReport<T> {
  /** The one JSON document, `errors` included (see `errorsDocument`). */
  document(values: T[], errors: TargetError[]): unknown;
  /** The text for people; `several`: more than one target, so each line names its target. */
  render(values: T[], several: boolean): string;
}

/**
 * The end of every command that works on each target on its own: one merged report of the
 * targets that answered, the errors of the others (a line each, with several targets), and then
 * the first failed target's error is thrown, which decides the exit code. Returns the values,
 * for a command that judges them further (a drain that could not undeploy everything).
 */
export function reportOutcomes<T>(
  context: CliContext,
  outcomes: TargetOutcome<T>[],
  report: MergedReport<T>,
): T[] {
  const merged = mergeOutcomes(outcomes, report);
  printReport(context, merged.document, () => merged.text(false));
  const [first] = merged.errors;
  if (first !== undefined) throw first.error;
  return merged.values;
}

/** The outcomes split into values and errors, with the merged document and text of them. */
export interface MergedOutcomes<T> {
  values: T[];
  errors: TargetError[];
  document: unknown;
  /** The text for people; `allErrors`: also the error of a single target (a watch shows it in place). */
  text(allErrors: boolean): string;
}

export function mergeOutcomes<T>(outcomes: TargetOutcome<T>[], report: MergedReport<T>): MergedOutcomes<T> {
  const values = outcomes.flatMap((o) => (o.ok ? [o.value] : []));
  const errors = outcomes.flatMap((o) => (o.ok ? [] : [{ target: o.target, error: o.error }]));
  const several = outcomes.length > 1;
  return {
    values,
    errors,
    document: report.document(values, errors),
    text: (allErrors) =>
      joinBlocks(report.render(values, several), renderTargetErrors(errors, several || allErrors)),
  };
}

/** The `errors` of a JSON document: one entry per target that failed. */
export function errorsDocument(errors: TargetError[]): TargetErrorDocument[] {
  return errors.map(({ target, error }) => ({ target, error: errorData(error, cliWords) }));
}

/**
 * `web3: cannot be reached: <message>`, one line per target that failed, after the report of the
 * others. Only with several targets: the error of a single target is the error message itself.
 */
function renderTargetErrors(errors: TargetError[], several: boolean): string {
  if (!several) return '';
  return errors
    .map(({ target, error }) =>
      error.code === ErrorCode.connect
        ? `${target}: cannot be reached: ${error.message}`
        : `${target}: failed (${error.code}): ${error.message}`,
    )
    .join('\n');
}

/** The report with a part after it (the balancers', the lock's): its fields in the document, its lines after the table. */
export function withBlock<T>(
  report: MergedReport<T>,
  block: { document: object; text: string },
): MergedReport<T> {
  return {
    document: (values, errors) => ({ ...(report.document(values, errors) as object), ...block.document }),
    render: (values, several) => joinBlocks(report.render(values, several), block.text),
  };
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
function printReport(context: CliContext, document: unknown, human: () => string): void {
  if (context.output.json) {
    context.output.result(document, () => '');
    return;
  }
  const text = human();
  if (text !== '') context.output.result(document, () => text);
}
