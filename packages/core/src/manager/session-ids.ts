import { displayName } from '../versions/context-name.js';
import { parseJmxQueryNames, parseJmxSessionIds } from './parse/parse-jmx-proxy.js';
import type { ManagerTransport } from './transport.js';

/**
 * The ids of a context's sessions, or why the Manager cannot tell them: `forbidden` (the user
 * lacks `manager-jmx`), `no-proxy` (a Manager without the JMX proxy), `no-context` (no session
 * manager of that name: not running, or gone), `ambiguous` (one of that name on several hosts).
 */
export type SessionIdsAnswer =
  | { readonly kind: 'ids'; readonly ids: readonly string[] }
  | { readonly kind: 'unavailable'; readonly why: 'forbidden' | 'no-proxy' | 'no-context' | 'ambiguous' };

const WHY_OF_STATUS: Readonly<Record<number, 'forbidden' | 'no-proxy'>> = {
  403: 'forbidden',
  404: 'no-proxy',
};

/** Reads a version's session ids, as {@link createSessionIdsReader} makes it. */
export type SessionIdsReader = (ref: {
  path: string;
  version: string;
  signal?: AbortSignal | undefined;
}) => Promise<SessionIdsAnswer>;

/**
 * Reads the session ids of a version through the JMX proxy (docs/tomcat-manager.md#jmx-proxy):
 * its session manager's MBean is found by a query (the JMX domain is the Engine's name and the
 * host is not known here), then asked `listSessionIds`. The name found is kept, so that a drain
 * polling every 2 s sends one request per version, not two; an MBean gone (the version undeployed)
 * is looked for again next time. Sessions that expired but were not yet swept are still listed,
 * as `list` counts them.
 */
export function createSessionIdsReader(transport: Pick<ManagerTransport, 'readJmxProxy'>): SessionIdsReader {
  const mbeans = new Map<string, string>();
  return async (ref) => {
    const context = displayName(ref.path, ref.version);
    let mbean = mbeans.get(context);
    if (mbean === undefined) {
      const found = await findMbean(transport, context, ref.signal);
      if (typeof found !== 'string') return found;
      mbean = found;
      mbeans.set(context, mbean);
    }
    const query = `invoke=${encodeURIComponent(mbean)}&op=listSessionIds`;
    const listed = await transport.readJmxProxy(query, ref.signal);
    const why = WHY_OF_STATUS[listed.status];
    if (why !== undefined) return { kind: 'unavailable', why };
    const ids = parseJmxSessionIds(listed.body);
    if (ids.ok) return { kind: 'ids', ids: ids.value };
    // The version was undeployed since the MBean was found: it is gone.
    mbeans.delete(context);
    return { kind: 'unavailable', why: 'no-context' };
  };
}

/** The name of the session manager's MBean of a context (its display name), or why there is none to ask. */
async function findMbean(
  transport: Pick<ManagerTransport, 'readJmxProxy'>,
  context: string,
  signal: AbortSignal | undefined,
): Promise<string | SessionIdsAnswer> {
  const pattern = `*:type=Manager,context=${context},*`;
  const found = await transport.readJmxProxy(`qry=${encodeURIComponent(pattern)}`, signal);
  const why = WHY_OF_STATUS[found.status];
  if (why !== undefined) return { kind: 'unavailable', why };
  const names = parseJmxQueryNames(found.body);
  if (!names.ok || names.value.length === 0) return { kind: 'unavailable', why: 'no-context' };
  if (names.value.length > 1) return { kind: 'unavailable', why: 'ambiguous' };
  return names.value[0]!;
}
