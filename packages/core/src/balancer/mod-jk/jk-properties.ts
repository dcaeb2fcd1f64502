/**
 * mod_jk's status worker answers in `mime=prop`: one `worker.<name>.<field>=<value>` per line. Some
 * keys repeat (`worker.<lb>.balance_workers=` once per member, `worker.<lb>.last_reset_at` after
 * each member), so every value of a key is kept, in order: a map of one value per key would keep
 * only the last member. Pure.
 */

/** The lines of one `mime=prop` answer: key → every value it was given, in order. */
export interface JkProperties {
  readonly values: ReadonlyMap<string, readonly string[]>;
}

/** What `worker.result.type` says of the command: mod_jk answers HTTP 200 to an error too. */
export type JkResult =
  | { readonly type: 'OK' }
  | { readonly type: 'ERROR'; readonly message: string }
  /** No `worker.result.type` line: not a `mime=prop` answer of the status worker (a page, a proxy's answer). */
  | { readonly type: 'missing' };

export function parseJkProperties(text: string): JkProperties {
  const values = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0 || line.startsWith('#')) continue;
    const key = line.slice(0, eq).trim();
    const list = values.get(key) ?? [];
    list.push(line.slice(eq + 1).trim());
    values.set(key, list);
  }
  return { values };
}

/** The last value of `key`, or undefined. */
export function jkValue(properties: JkProperties, key: string): string | undefined {
  return properties.values.get(key)?.at(-1);
}

/** Every value of `key`, in order. */
export function jkValues(properties: JkProperties, key: string): readonly string[] {
  return properties.values.get(key) ?? [];
}

/** `worker.result.type=OK|ERROR` and its `worker.result.message`. */
export function jkResult(properties: JkProperties): JkResult {
  const type = jkValue(properties, 'worker.result.type');
  if (type === 'OK') return { type: 'OK' };
  if (type === undefined) return { type: 'missing' };
  const message = jkValue(properties, 'worker.result.message') ?? '';
  return { type: 'ERROR', message: message === '' ? `type=${type}` : message };
}
