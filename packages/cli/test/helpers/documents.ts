/**
 * A document as its snapshot file holds it (`__snapshots__/*.json` beside the test, compared with
 * `toMatchFileSnapshot`): pretty-printed, as `--json` prints a result, so that a change of a
 * document shows in review as a diff of that file.
 */
export const pretty = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;
