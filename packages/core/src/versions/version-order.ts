/**
 * Tomcat's order of versions. Tomcat keeps the versions of one context path sorted with Java
 * `String.compareTo` (the Mapper's `insertMap`/`find`, HostConfig's `TreeSet<String>`) and sends
 * new visitors to the greatest running one (docs/tomcat-manager.md#version-order). Every decision about
 * which version is or will be live must use exactly that order, so it lives here, once.
 */

/**
 * Compares two versions the way Tomcat does: Java `String.compareTo`, i.e. UTF-16 code unit by
 * code unit, a proper prefix sorting first. `''` (an unversioned context) is the lowest of all.
 *
 * So `'10' < '9'` and `'1000' < '999'`: numbers only sort numerically when zero-padded.
 *
 * @returns a negative number if `a` sorts below `b`, 0 if they are equal, a positive number if above.
 */
export function compareVersions(a: string, b: string): number {
  // JS relational operators on strings compare UTF-16 code units, exactly like compareTo.
  // Never localeCompare / Intl.Collator: they order by language rules ('a' < 'B', '10' vs '9'
  // depending on options), which is not what Tomcat does.
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The greatest version in Tomcat's order, i.e. the one Tomcat would make live if all of them ran.
 *
 * @returns `undefined` for an empty input.
 */
export function greatestVersion(versions: Iterable<string>): string | undefined {
  let greatest: string | undefined;
  for (const version of versions) {
    if (greatest === undefined || compareVersions(version, greatest) > 0) greatest = version;
  }
  return greatest;
}

/** The versions in ascending Tomcat order, as a new array (the input is left alone). */
export function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort(compareVersions);
}
