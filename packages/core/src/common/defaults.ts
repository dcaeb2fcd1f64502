/** The options with every default filled in: what an operation works with. */
export type WithDefaults<O, D> = Omit<O, keyof D> & { [K in keyof D & keyof O]-?: Exclude<O[K], undefined> };

/**
 * Merges an options object with its defaults, the one way every public function does it: an
 * option that is absent *or* `undefined` takes its default, so that `{ graceMs: flag }` with an
 * unset flag means "the default", as it reads, and callers need no conditional spreads.
 */
export function withDefaults<O extends object, D extends Partial<O>>(
  options: O,
  defaults: D,
): WithDefaults<O, D> {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) merged[key] = value;
  }
  return merged as WithDefaults<O, D>;
}
