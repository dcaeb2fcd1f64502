/**
 * fast-check generators of text that looks like a Manager text API answer: fragments of Tomcat's
 * lines (`OK - `, `:running:`, `&#47;`, `Inactive for [`, ...) mixed with arbitrary code points, and
 * answers of each command's shape whose fields are mostly right and sometimes broken or cut.
 * Formats: docs/tomcat-manager.md#answers and #commands.
 */
import fc from 'fast-check';

// prettier-ignore
const FRAGMENTS = [
  'OK - ', 'FAIL - ', 'OK -', 'OK', '[', ']', ':running:', ':stopped:', ':paused:', ':runn', ':',
  '\r\n', '\n', '\r', '&#47;', '&#x2F;', '&#1114111;', '&#1114112;', '&#55296;', '&#9999999;', '&amp;',
  '&lt;', '/', '##', '#', '.war', 'ROOT', '0', '1', '-1', '99999999999999999999', '] minutes',
  'Inactive for [', 'Default maximum session inactive interval is [', '<1', '1 - <2', '>=30', '>0',
  '] minutes: [', ' minutes: ', '] sessions', ' sessions', ' were expired', 'Unlimited time: [',
  'Tomcat Version: [', 'Apache Tomcat/10.1.60 (Debian)', '__proto__: ', 'constructor: ',
  '<html><head><title>', '</title>', '\uFEFF', '\u2028', '\uD800', '\uDC00', 'C:\\', 'é', '😀', ' ', '\t', '\0',
];
const fragment = fc.constantFrom(...FRAGMENTS);
/** `part` repeated up to `maxLength` times, concatenated. */
export const joined = (part: fc.Arbitrary<string>, maxLength: number) =>
  fc.array(part, { maxLength }).map((parts) => parts.join(''));

/** One line: fragments, printable ASCII and any code points mixed (it may contain `\n` too). */
const line = joined(
  fc.oneof(
    { weight: 3, arbitrary: fragment },
    fc.string({ maxLength: 3 }),
    fc.string({ unit: 'binary', maxLength: 3 }),
  ),
  8,
);
/** Mostly one of `valid` (6 in 7), else one of `invalid` or a random line. */
const mostly = (valid: string[], invalid: string[]) =>
  fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...valid) }, fc.constantFrom(...invalid), line);
/** A template with `{}` slots, filled with one value each. */
const fill = (template: fc.Arbitrary<string>, ...values: fc.Arbitrary<string>[]) =>
  fc
    .tuple(template, ...values)
    .map(([text, ...parts]) =>
      text.split('{}').reduce((out, piece, i) => out + (parts[i - 1] ?? '') + piece),
    );
const count = mostly(
  ['0', '1', '30', '12345'],
  ['-1', '', 'x', '1e3', ' 1', '9007199254740993', '9'.repeat(400)],
);
const listLine = fc
  .tuple(
    fill(
      fc.constant('{}:{}:{}:{}'),
      mostly(['/', '/shop', '/a/b', '/x:y'], ['', 'shop']),
      mostly(['running', 'stopped'], ['paused', 'runn', '', 'RUNNING']),
      count,
      mostly(['shop##001', 'ROOT##001', 'a#b##7', 'C:\\w\\s##12', '/usr/m', 'x##1.war', 'plain'], ['']),
    ),
    fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, fc.nat({ max: 40 })),
  )
  .map(([text, cut]) => text.slice(0, cut));
const sessionsHeader = fill(
  mostly(
    [
      'Default maximum session inactive interval is [{}] minutes',
      'Default maximum session inactive interval {} minutes',
    ],
    [
      'Default maximum session inactive interval is [{}]minutes',
      'default maximum session inactive interval {} minutes',
    ],
  ),
  count,
);
const label = mostly(
  ['<1', '1 - <2', '>=30'],
  ['<', '1 - 2', '', ']', ':', '>=99999999999999999999', '1 - <'],
);
const sessionsLine = fc.oneof(
  {
    weight: 4,
    arbitrary: fill(
      mostly(
        ['Inactive for [{}] minutes: [{}] sessions', '{} minutes: {} sessions'],
        ['Inactive for [{}] minutes: {} sessions', 'Inactive for [{}] minutes: [{}] session'],
      ),
      label,
      count,
    ),
  },
  fill(
    mostly(['Unlimited time: [{}] sessions', 'unlimited time: {} sessions'], ['Unlimited time: [{}]']),
    count,
  ),
  fill(
    mostly(
      ['Inactive for [>{}] minutes: [{}] sessions were expired', '>{} minutes: {} sessions were expired'],
      ['Inactive for [>{}] minutes: [{}] sessions expired'],
    ),
    count,
    count,
  ),
);
const serverInfoLine = fill(
  mostly(['{}: [{}]', '{}: {}'], ['{}:{}', '{} {}', '{}']),
  mostly(
    ['Tomcat Version', 'OS Name', 'JVM Version'],
    ['__proto__', 'constructor', 'toString', '', ' Tomcat Version ', 'a:b'],
  ),
  line,
);

/** A whole answer: a status line, the body lines, `\n` or `\r\n` line ends, maybe a last line end. */
const answerOf = (body: fc.Arbitrary<string[]>) =>
  fc
    .tuple(
      mostly(['OK - '], ['FAIL - ', 'OK -', '\uFEFFOK - ', '', 'ok - ']),
      mostly(
        ['Listed applications for virtual host [localhost]', 'Server info', 'Session information'],
        ['OK - '],
      ),
      body,
      fc.constantFrom('\n', '\r\n'),
      fc.boolean(),
    )
    .map(
      ([prefix, first, lines, eol, trailing]) => [prefix + first, ...lines].join(eol) + (trailing ? eol : ''),
    );
export const listAnswer = answerOf(fc.array(listLine, { maxLength: 5 }));
export const sessionsAnswer = answerOf(
  fc
    .tuple(
      fc.oneof({ weight: 12, arbitrary: sessionsHeader }, line),
      fc.array(sessionsLine, { maxLength: 5 }),
    )
    .map(([header, lines]) => [header, ...lines]),
);
export const serverInfoAnswer = answerOf(fc.array(serverInfoLine, { maxLength: 6 }));
/** Anything: plain strings, any code points, fragment soup, and well-shaped answers. */
export const anyAnswer = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  joined(fc.oneof(fragment, fc.string({ maxLength: 4 })), 30),
  answerOf(fc.array(fc.oneof(listLine, sessionsHeader, sessionsLine, serverInfoLine), { maxLength: 6 })),
);
