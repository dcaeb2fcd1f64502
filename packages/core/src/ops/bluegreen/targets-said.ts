/** `web1 is`, `web1, web2 are`: targets named as the subject of a sentence about their state. */
export function targetsAre(targets: readonly string[]): string {
  return `${targets.join(', ')} ${targets.length === 1 ? 'is' : 'are'}`;
}
