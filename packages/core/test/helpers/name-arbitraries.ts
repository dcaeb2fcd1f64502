/**
 * fast-check generators of context paths and versions, as a user or a script might give them:
 * mostly characters a path or version may hold, mixed with those that break Tomcat, a URL or a
 * query string (`#`, `..`, `%`, line ends, unpaired surrogates).
 */
import fc from 'fast-check';
import { joined } from './manager-arbitraries.js';

// prettier-ignore
const EVIL = [
  '/', '//', '.', '..', '#', '##', '\\', '?', '%', ';', '&', '=', '+', ' ', '\t', '\n', '\0', '\u007f',
  '\u2028', '\u200b', '\uFEFF', 'é', '😀', '\uD800', '\uDC00', '@', ':', 'ROOT', "'", '<', '~',
];
const evil = fc.constantFrom(...EVIL);

/** A version Tomcat accepts: A-Z a-z 0-9 . _ -, short. */
export const validVersion = fc.string({ unit: fc.constantFrom(...'09azAZ._-'), minLength: 1, maxLength: 12 });

/** Fragments of paths and of what breaks them, joined. */
export const pathish = joined(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('/', 'shop', 'a', 'ROOT', 'x-1_2.3') },
    evil,
    fc.string({ unit: 'binary', maxLength: 2 }),
  ),
  8,
);
// Mostly characters a path may hold, among them those a query string gives a meaning to.
const pathChar = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(..."aZ09-_.~!$&'()*+,=:@[]é", '😀', '中') },
  evil,
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
/** `/` and up to three segments of {@link pathChar}s. */
export const pathLike = fc
  .array(fc.string({ unit: pathChar, minLength: 1, maxLength: 6 }), { maxLength: 3 })
  .map((segments) => `/${segments.join('/')}`);
/** Valid versions, ones around the length limit, fragments of counters and what breaks them, anything. */
export const versionish = fc.oneof(
  validVersion,
  fc.string({ unit: fc.constantFrom('0', '9', 'a', '.', '-', '_'), minLength: 95, maxLength: 105 }),
  joined(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('0', '1', 'r', '.', '-', '_') }, evil), 8),
  fc.string({ unit: 'binary' }),
);
