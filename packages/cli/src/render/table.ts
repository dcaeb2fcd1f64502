/** Between two columns. */
const GAP = '  ';

/**
 * An aligned table with a header row, no borders: aligned columns read well in a terminal and in
 * a CI log alike. A cell's width is its text without colour codes. Written here rather than with
 * a table library: cli-table3 and its string-width were a sixth of the start-up of `status`
 * (bench/RESULTS.md: start-up), for columns of ASCII names, versions and numbers.
 */
export function renderTable(head: string[], rows: string[][]): string {
  const lines = [head, ...rows];
  // Not imported: as an ES module, node:util loads parts of its own that every start would pay.
  const { stripVTControlCharacters } = process.getBuiltinModule('node:util');
  const width = (cell: string) => stripVTControlCharacters(cell).length;
  const widths = head.map((_, column) => Math.max(...lines.map((line) => width(line[column] ?? ''))));
  return lines
    .map((line) =>
      line
        .map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - width(cell)))
        .join(GAP)
        .trimEnd(),
    )
    .join('\n');
}
