/**
 * A reader of Java `.properties` text as `java.util.Properties.load` reads it (logging.properties,
 * log4j2.properties). Pure.
 *
 * - A logical line is natural lines joined where one ends in an odd number of backslashes; the
 *   leading whitespace of each continuation line is dropped.
 * - A natural line whose first non-blank character is `#` or `!` is a comment, and is never
 *   continued.
 * - The key ends at the first unescaped `=`, `:` or whitespace; then whitespace, at most one
 *   `=` or `:`, and whitespace again are skipped; the rest is the value.
 * - Escapes: `\t \n \r \f`, `\uXXXX`, and a backslash before any other character stands for that
 *   character. A malformed `\u` fails (Java throws IllegalArgumentException there).
 */

export interface PropertyLine {
  key: string;
  value: string;
  /** The line (1-based) where the logical line starts. */
  line: number;
}

export type PropertiesResult =
  { ok: true; entries: PropertyLine[] } | { ok: false; line: number; reason: string };

const isBlank = (char: string | undefined) => char === ' ' || char === '\t' || char === '\f';

class Malformed extends Error {}

/** The entries in file order; a key given twice appears twice (the last one counts: {@link propertyMap}). */
export function parseProperties(text: string): PropertiesResult {
  const entries: PropertyLine[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const first = index;
    let logical = stripLeading(lines[index]!);
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithContinuation(logical) && index + 1 < lines.length) {
      index++;
      logical = logical.slice(0, -1) + stripLeading(lines[index]!);
    }
    // A continuation on the last line: Java drops the backslash.
    if (endsWithContinuation(logical)) logical = logical.slice(0, -1);
    try {
      entries.push({ ...splitEntry(logical), line: first + 1 });
    } catch (error) {
      if (error instanceof Malformed) return { ok: false, line: first + 1, reason: error.message };
      throw error;
    }
  }
  return { ok: true, entries };
}

/** The entries by key, the last of each key winning, as in `Properties`. */
export function propertyMap(entries: readonly PropertyLine[]): Map<string, PropertyLine> {
  return new Map(entries.map((entry) => [entry.key, entry]));
}

function stripLeading(line: string): string {
  let start = 0;
  while (isBlank(line[start])) start++;
  return line.slice(start);
}

function endsWithContinuation(line: string): boolean {
  let backslashes = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

function splitEntry(line: string): { key: string; value: string } {
  let end = 0;
  while (end < line.length) {
    const char = line[end]!;
    if (char === '\\') {
      end += 2;
      continue;
    }
    if (char === '=' || char === ':' || isBlank(char)) break;
    end++;
  }
  let valueStart = end;
  while (isBlank(line[valueStart])) valueStart++;
  if (line[valueStart] === '=' || line[valueStart] === ':') valueStart++;
  while (isBlank(line[valueStart])) valueStart++;
  return { key: unescape(line.slice(0, end)), value: unescape(line.slice(valueStart)) };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string): string {
  if (!text.includes('\\')) return text;
  let result = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char !== '\\') {
      result += char;
      continue;
    }
    const next = text[++i];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = text.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new Malformed(`malformed \\uxxxx escape: \\u${hex}`);
      result += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      result += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return result;
}
