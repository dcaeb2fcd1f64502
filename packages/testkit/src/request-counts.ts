/** Counts of Manager requests by kind: `{ list: 1, undeploy: 16 }`. */
export type RequestCounts = Record<string, number>;

/**
 * The kind of a logged request line: the Manager text command (`GET /manager/text/list HTTP/1.1`
 * → `list`, `PUT /manager/text/deploy?...` → `deploy`), or the whole line for anything else, so
 * that an unexpected request shows up as itself.
 */
export function requestKind(requestLine: string): string {
  return /^\S+ \/manager\/text\/([a-z]+)/.exec(requestLine)?.[1] ?? requestLine;
}

export function countRequests(requestLines: readonly string[]): RequestCounts {
  const counts: RequestCounts = {};
  for (const line of requestLines) {
    const kind = requestKind(line);
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** `list 1, undeploy 16` (kinds sorted, so two counts compare as text). */
export function showCounts(counts: RequestCounts): string {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (entries.length === 0) return 'none';
  return entries
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
}

/**
 * What a `FaultProxy` logged during `work`: its `requests` array only grows, so the lines
 * after the length it had before are the requests `work` caused.
 */
export async function requestsDuring<T>(
  proxies: readonly { requests: readonly string[] }[],
  work: () => Promise<T>,
): Promise<{ result: T; counts: RequestCounts[] }> {
  const before = proxies.map((proxy) => proxy.requests.length);
  const result = await work();
  const counts = proxies.map((proxy, i) => countRequests(proxy.requests.slice(before[i])));
  return { result, counts };
}
