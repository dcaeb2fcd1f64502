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

/**
 * Reads the session ids of one version through the JMX proxy (docs/tomcat-manager.md#jmx-proxy):
 * its session manager's MBean is found first by a query (the JMX domain is the Engine's name and
 * the host is not known here), then asked `listSessionIds`. Sessions that expired but were not yet
 * swept are still listed, as `list` counts them.
 */
export async function readSessionIds(
  transport: Pick<ManagerTransport, 'readJmxProxy'>,
  ref: { path: string; version: string; signal?: AbortSignal | undefined },
): Promise<SessionIdsAnswer> {
  const pattern = `*:type=Manager,context=${displayName(ref.path, ref.version)},*`;
  const found = await transport.readJmxProxy(`qry=${encodeURIComponent(pattern)}`, ref.signal);
  const why = WHY_OF_STATUS[found.status];
  if (why !== undefined) return { kind: 'unavailable', why };
  const names = parseJmxQueryNames(found.body);
  if (!names.ok || names.value.length === 0) return { kind: 'unavailable', why: 'no-context' };
  if (names.value.length > 1) return { kind: 'unavailable', why: 'ambiguous' };
  const query = `invoke=${encodeURIComponent(names.value[0]!)}&op=listSessionIds`;
  const listed = await transport.readJmxProxy(query, ref.signal);
  const ids = parseJmxSessionIds(listed.body);
  // Between the two requests the version can be undeployed: its MBean is gone.
  return ids.ok ? { kind: 'ids', ids: ids.value } : { kind: 'unavailable', why: 'no-context' };
}
