/**
 * Build ids in versions: `004-3f9c2ab` is counter 004 of the build 3f9c2ab. The counter still
 * decides Tomcat's order (it comes first, and a `-` sorts below every character a counter's
 * digits can continue with), while the id says which build a version is: after a rollback the
 * counter 004 can come back, the id tells the two builds apart.
 */
import { usageError } from '../errors/error-classes.js';
import { BUILD_ID_SOURCE, MAX_VERSION_LENGTH, parseCounter, validateVersion } from './version-rules.js';

const BUILD_ID_PATTERN = new RegExp(`^${BUILD_ID_SOURCE}$`);

/**
 * The version of `counter` for the build `buildId`: `004` and `3f9c2ab` make `004-3f9c2ab`.
 * @throws TomcatPdError `E_USAGE` naming what is wrong with the id: a forbidden character, or a
 *   version that would grow beyond the 100 characters a version may have.
 */
export function withBuildId(counter: string, buildId: string): string {
  if (!BUILD_ID_PATTERN.test(buildId)) {
    const bad = [...new Set(Array.from(buildId).filter((ch) => !/[A-Za-z0-9._-]/.test(ch)))];
    throw usageError(
      buildId === ''
        ? 'A build id must not be empty.'
        : bad.length > 0
          ? `Build id ${JSON.stringify(buildId)} contains ${bad.map((ch) => JSON.stringify(ch)).join(', ')}, which may not stand in a version.`
          : `Build id ${JSON.stringify(buildId)} must start with a letter or a digit.`,
      'Use letters, digits and . _ - only (a commit hash such as 3f9c2ab, or a CI build number).',
    );
  }
  const version = `${counter}-${buildId}`;
  if (version.length > MAX_VERSION_LENGTH) {
    throw usageError(
      `Build id ${JSON.stringify(buildId.slice(0, 20))}… makes version ${counter}-… ${version.length} characters long; at most ${MAX_VERSION_LENGTH} are allowed.`,
      `Use a shorter id: at most ${MAX_VERSION_LENGTH - counter.length - 1} characters (a short commit hash is enough).`,
    );
  }
  return validateVersion(version);
}

/** The build id a version carries (`004-3f9c2ab` → `3f9c2ab`), if it has one. */
export function buildIdOf(version: string): string | undefined {
  return parseCounter(version)?.buildId;
}
