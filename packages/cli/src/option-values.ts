/** commander's collector of a repeatable option whose values may also be comma-separated. */
export function collectPaths(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((path) => path.trim())];
}
