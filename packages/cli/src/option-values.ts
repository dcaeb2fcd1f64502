// The light entry: program.ts loads this module on every start.
import { UsageError } from '@tomcat-pd/core/errors';

/** commander's collector of a repeatable option whose values may also be comma-separated. */
export function collectPaths(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((path) => path.trim())];
}

/**
 * Options that only tune another one, given without it, would silently do nothing: the first of
 * them that was given is refused, with `describe(flag)` saying what it needs.
 */
export function refuseStrayOptions(
  given: readonly [string, unknown][],
  describe: (flag: string) => string,
): void {
  const stray = given.find(([, value]) => value !== undefined)?.[0];
  if (stray !== undefined) throw new UsageError(describe(stray));
}
