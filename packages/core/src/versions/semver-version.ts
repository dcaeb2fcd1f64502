/**
 * Semantic versions as Tomcat versions. Tomcat compares versions as plain strings, so `1.10.0`
 * sorts below `1.9.0`; this encodes a semver into a string of `A-Z a-z 0-9 . _ -` whose string
 * order is semver precedence.
 */
// Only the parser: the whole package takes three times as long to load, on every command.
import parseSemver from 'semver/functions/parse.js';
import { usageError } from '../errors/error-classes.js';
import { MAX_VERSION_LENGTH } from './version-rules.js';

/** Digits per core number: 5 covers every real-world major/minor/patch. */
const CORE_WIDTH = 5;
const CORE_MAX = 10 ** CORE_WIDTH - 1;
// A release sorts above its pre-releases: the release marker `.` is above the pre-release
// separator `-` (in ASCII `-` < `.` < digits < `A-Z` < `_` < `a-z`).
const RELEASE_SUFFIX = '.r';

/**
 * Encodes a semantic version (a leading `v` is accepted; build metadata `+...` is dropped, as
 * it does not affect precedence) so that `compareVersions` on two encodings has the sign of
 * `semver.compare` on the inputs.
 *
 * Validation is `semver.parse` (what `semver.valid` uses), strict mode.
 *
 * Encoding: major, minor and patch zero-padded to 5 digits and joined with `.`; then
 * - a release: `.r` — releases are all 19 characters long;
 * - a pre-release: each identifier as `-` + token, where a numeric identifier's token is its
 *   digit count as one character (`1`-`9`, then `A`-`G` for 10-16 digits) followed by its
 *   digits, and an alphanumeric identifier's token is `_` followed by the identifier with every
 *   `-` written as `.`.
 *
 * Why it sorts right: `-` (pre-release) < `.` (release); numeric tokens start with a digit or an
 * upper-case letter, all below `_`, so numeric < alphanumeric; a longer number has a greater count
 * character; the separator `-` sorts below every character a token can continue with (`-` inside an
 * identifier became `.`), so a shorter identifier list or a shorter identifier sorts first.
 *
 * Examples: `1.10.0` → `00001.00010.00000.r`; `1.9.0` → `00001.00009.00000.r`;
 * `2.0.0-rc.1` → `00002.00000.00000-_rc-11`; `2.0.0-rc.10` → `00002.00000.00000-_rc-210`;
 * `v1.0.0-alpha-2.beta+exp.sha.5114f85` → `00001.00000.00000-_alpha.2-_beta`.
 *
 * Limits (refused with a usage error rather than encoded wrongly): core numbers above 99999;
 * numeric pre-release identifiers above 2^53 - 1 (the `semver` package itself compares those
 * imprecisely); encodings longer than 100 characters (about 80 characters of pre-release).
 * @throws TomcatPdError `E_USAGE` for an invalid semantic version or one beyond these limits.
 */
export function encodeSemver(version: string): string {
  const parsed = parseSemver(version);
  if (parsed === null) {
    throw usageError(
      `${JSON.stringify(version)} is not a valid semantic version.`,
      'Use MAJOR.MINOR.PATCH with an optional -pre.release and +build part, e.g. 1.4.0 or v2.0.0-rc.1.',
    );
  }
  const core = [parsed.major, parsed.minor, parsed.patch].map((n) => encodeCoreNumber(n, version)).join('.');
  const encoded =
    parsed.prerelease.length === 0
      ? core + RELEASE_SUFFIX
      : core + parsed.prerelease.map((id) => `-${encodeIdentifier(String(id), version)}`).join('');
  if (encoded.length > MAX_VERSION_LENGTH) {
    throw usageError(
      `The semantic version ${version} is too long to encode: ${encoded.length} characters, ` +
        `at most ${MAX_VERSION_LENGTH} are allowed.`,
      'Shorten its pre-release part.',
    );
  }
  return encoded;
}

function encodeCoreNumber(n: number, version: string): string {
  if (n > CORE_MAX) {
    throw usageError(
      `The semantic version ${version} has a number above ${CORE_MAX}, which cannot be encoded in ${CORE_WIDTH} digits.`,
    );
  }
  return String(n).padStart(CORE_WIDTH, '0');
}

function encodeIdentifier(id: string, version: string): string {
  if (!/^\d+$/.test(id)) return `_${id.replaceAll('-', '.')}`;
  // Strict semver has no leading zeros in numeric identifiers, so the digit count orders them.
  if (!Number.isSafeInteger(Number(id))) {
    throw usageError(
      `The pre-release number ${id} in ${version} is above ${Number.MAX_SAFE_INTEGER}, which cannot be ordered reliably.`,
    );
  }
  const length = id.length < 10 ? String(id.length) : String.fromCharCode(55 + id.length); // 10 → 'A'
  return length + id;
}
