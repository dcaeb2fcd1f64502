import type { ManagerClient } from '../../manager/manager-client.js';
import type { ContextEntry } from '../../manager/parse/types.js';

/**
 * The active sessions of a Tomcat's visitors: every context's, but the Manager's own (its HTML
 * pages make sessions for the people who use them, who come through no balancer).
 */
export function visitorSessions(
  entries: readonly Pick<ContextEntry, 'path' | 'sessions'>[],
  client: Pick<ManagerClient, 'managerUrl'>,
): number {
  return visitorSessionContexts(entries, client).reduce((sum, entry) => sum + entry.sessions, 0);
}

/** The contexts visitors reach: all but the Manager's own. */
export function visitorSessionContexts<E extends Pick<ContextEntry, 'path'>>(
  entries: readonly E[],
  client: Pick<ManagerClient, 'managerUrl'>,
): E[] {
  const managerPath = new URL(client.managerUrl).pathname.replace(/\/+$/, '') || '/';
  return entries.filter((entry) => entry.path !== managerPath);
}
