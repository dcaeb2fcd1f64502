/** The balancers tomcat-pd drives (docs/balancers/README.md). */
export const BALANCER_TYPES = ['haproxy', 'mod_jk', 'mod_proxy_balancer', 'nginx'] as const;
export type BalancerType = (typeof BALANCER_TYPES)[number];

/**
 * A member's admin state, the one tomcat-pd sets: `ready` takes new visitors; `drain` takes only
 * the visitors whose session lives there (sticky ones); `maint` takes none, and a sticky visitor
 * is sent elsewhere (losing a session that is not replicated).
 */
export const ADMIN_STATES = ['ready', 'drain', 'maint'] as const;
export type AdminState = (typeof ADMIN_STATES)[number];

/**
 * What the balancer's own health checks say of a member: `unchecked` where it has none (nginx,
 * mod_proxy_balancer without health checks), which counts as usable.
 */
export type Health = 'up' | 'down' | 'unchecked';

/** One member as its balancer sees it. */
export interface MemberReading {
  /** Its name on the balancer: an HAProxy server, a mod_jk worker, a mod_proxy_balancer route or URL, an nginx node. */
  readonly name: string;
  readonly admin: AdminState;
  readonly health: Health;
  /** Requests in flight, where the balancer counts them. */
  readonly inFlight?: number | undefined;
  /** Seconds since the balancer last sent it a request, where it knows. */
  readonly idleSeconds?: number | undefined;
}

/** One reading of a balancer: its members, in its own order. */
export interface BalancerReading {
  readonly balancer: string;
  readonly type: BalancerType;
  readonly members: readonly MemberReading[];
  /**
   * What changes when the balancer restarts or reloads and so loses the states set at run time
   * (HAProxy: its pid and start time), where it can tell; compared between two readings.
   */
  readonly generation?: string | undefined;
}

/** Whether a member takes new visitors now: ready, and not known to be down. */
export function takesNewVisitors(member: MemberReading): boolean {
  return member.admin === 'ready' && member.health !== 'down';
}
