/**
 * Hints that name what the caller can change. The library does not know who calls it: a build
 * script sets the `version` option, a person at the CLI types `--version`. So a hint names options
 * and operations as typed parts, and whoever shows it words them: {@link libraryWords} by default,
 * the CLI with its own flags and commands.
 */

/** The options a hint can name, as they are called in the library's options objects. */
export type HintOption =
  | 'version'
  | 'width'
  | 'update'
  | 'force'
  | 'timeoutMs'
  | 'retries'
  | 'tls.cert'
  | 'tls.key'
  | 'user'
  | 'password'
  | 'appUrl'
  | 'skipCheck'
  | 'targets'
  | 'waitMs';

/** `version` with a value to set it to: `{ option: 'version', value: 'r0001' }`. */
export interface OptionHint {
  option: HintOption;
  /** The value to give (`true` for a switch); absent when the hint only names the option. */
  value?: string | number | true;
}

/** An undeploy of one version that the caller may run first. */
export interface UndeployHint {
  undeploy: { path: string; version: string };
}

/** The request to report a bug, with whatever tells its circumstances. */
export interface BugReportHint {
  bugReport: true;
}

/** One piece of a hint: plain words, or something the caller can set or run. */
export type HintPart = string | OptionHint | UndeployHint | BugReportHint;

/** How the typed parts of a hint are put into words for one audience. */
export interface HintWords {
  option(part: OptionHint): string;
  undeploy(part: UndeployHint['undeploy']): string;
  bugReport(): string;
}

/** The library's own words: option names as in its options objects, operations as its functions. */
export const libraryWords: HintWords = {
  option: ({ option, value }) =>
    value === undefined
      ? `the ${option} option`
      : `${option}: ${typeof value === 'string' ? `'${value}'` : value}`,
  undeploy: ({ path, version }) => `undeployVersion(client, { path: '${path}', version: '${version}' })`,
  bugReport: () => 'please report it with the stack of this error',
};

/** Puts a hint into words; `undefined` stays `undefined`. */
export function renderHint(
  parts: readonly HintPart[] | undefined,
  words: HintWords = libraryWords,
): string | undefined {
  if (parts === undefined) return undefined;
  return parts.map((part) => renderPart(part, words)).join('');
}

function renderPart(part: HintPart, words: HintWords): string {
  if (typeof part === 'string') return part;
  if ('option' in part) return words.option(part);
  if ('undeploy' in part) return words.undeploy(part.undeploy);
  return words.bugReport();
}
