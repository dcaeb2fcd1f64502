import type crypto from 'node:crypto';

// `/shop-smoke-4f2a`, `/ROOT-smoke-4f2a`, `/a/b-smoke-4f2a`: a name no one gives an app.
const SMOKE_SUFFIX = /-smoke-[0-9a-f]{4}$/;

/**
 * The temporary context path of a smoke test of `path`: the path (`/ROOT` for ROOT) with
 * `-smoke-` and 4 random hex digits, one that none of `taken` is.
 */
export function smokeContextPath(path: string, taken: ReadonlySet<string>): string {
  const base = path === '/' ? '/ROOT' : path;
  for (;;) {
    const candidate = `${base}-smoke-${nodeCrypto().randomBytes(2).toString('hex')}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Whether `candidate` is the temporary path of a smoke test of `path`. */
export function isSmokeContextPathOf(path: string, candidate: string): boolean {
  const base = path === '/' ? '/ROOT' : path;
  return (
    candidate.startsWith(`${base}-smoke-`) &&
    candidate.length === base.length + 11 &&
    isSmokeContextPath(candidate)
  );
}

/** Whether a context path is a smoke test's (a leftover when no deploy runs it). */
export function isSmokeContextPath(path: string): boolean {
  return SMOKE_SUFFIX.test(path);
}

/**
 * node:crypto when first needed: imported as an ES module it loads all its parts at once, ~2.5 ms
 * of every start of the CLI (bench/RESULTS.md: start-up), and only a deploy with --smoke uses it.
 */
function nodeCrypto(): typeof crypto {
  return process.getBuiltinModule('node:crypto');
}
