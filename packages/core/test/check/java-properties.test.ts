import { describe, expect, it } from 'vitest';
import { parseProperties, propertyMap, type PropertyLine } from '../../src/check/java-properties.js';

function entries(text: string): PropertyLine[] {
  const result = parseProperties(text);
  if (!result.ok) throw new Error(`expected properties, got line ${result.line}: ${result.reason}`);
  return result.entries;
}

const pairs = (text: string) => entries(text).map(({ key, value }) => [key, value]);

describe('parseProperties', () => {
  it('splits keys from values at =, : or whitespace, skipping blanks around one separator', () => {
    expect(pairs('a=1\nb : 2\nc 3\nd\t=\t4\ne==5\nf:=6\ng\n')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
      ['e', '=5'],
      ['f', '=6'],
      ['g', ''],
    ]);
  });

  it('skips comment lines (# and !) and blank lines, and keeps # inside a value', () => {
    expect(pairs('# a comment\n  ! another\n\n   \nurl = http://x/#frag\n')).toEqual([
      ['url', 'http://x/#frag'],
    ]);
  });

  it('joins a line ending in an odd number of backslashes with the next, without its leading blanks', () => {
    expect(pairs('handlers = a, \\\n           b, \\\n    c\nnext = 1\n')).toEqual([
      ['handlers', 'a, b, c'],
      ['next', '1'],
    ]);
    // Two backslashes are one escaped backslash: no continuation.
    expect(pairs('path = C:\\\\\nnext = 1')).toEqual([
      ['path', 'C:\\'],
      ['next', '1'],
    ]);
  });

  it('does not continue a comment, and reads a continued line that looks like a comment as text', () => {
    expect(pairs('# comment \\\nkey = value')).toEqual([['key', 'value']]);
    expect(pairs('key = a\\\n# not a comment')).toEqual([['key', 'a# not a comment']]);
  });

  it('reads escapes in keys and values', () => {
    expect(pairs('my\\ key\\:x = tab\\there\\nnew \\u00e9t\\u00C9 \\q\\\\')).toEqual([
      ['my key:x', 'tab\there\nnew étÉ q\\'],
    ]);
  });

  it('accepts \\r\\n, \\r and \\n line ends and gives the first line of each entry', () => {
    expect(entries('a=1\r\nb=2\rc=\\\r\n 3\nd=4').map(({ key, line }) => [key, line])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 5],
    ]);
  });

  it('drops a continuation backslash on the last line', () => {
    expect(pairs('a = 1\\')).toEqual([['a', '1']]);
  });

  it('fails on a malformed \\u escape, with its line, as Properties.load throws', () => {
    expect(parseProperties('ok = 1\nbad = \\u12g4\n')).toEqual({
      ok: false,
      line: 2,
      reason: expect.stringContaining('\\uxxxx'),
    });
    expect(parseProperties('bad = \\u12')).toMatchObject({ ok: false, line: 1 });
  });

  it('lets the last of a repeated key win in propertyMap', () => {
    const map = propertyMap(entries('a = 1\nb = 2\na = 3\n'));
    expect(map.get('a')).toEqual({ key: 'a', value: '3', line: 3 });
    expect([...map.keys()]).toEqual(['a', 'b']);
  });
});
