import type { Balancer } from '../../balancer/balancer.js';
import { PIN_COOKIE } from '../../balancer/haproxy/starting-config.js';

/** How a visitor or a tester reaches one target of the previous colour through one balancer. */
export interface PreviousColourPin {
  readonly target: string;
  readonly balancer: string;
  readonly member: string;
  /** The cookie to set: `TOMCAT_PD_PIN=web1`. */
  readonly cookie: string;
  /** The app's path with the query-string helper: `/shop/?TOMCAT_PD_PIN=web1`, on the site's own address. */
  readonly url: string;
}

/**
 * Pure: the pin cookie of each target of the previous colour on each HAProxy balancer. Only
 * HAProxy's config from `lb config haproxy` has the `use-server` rule on that cookie
 * (docs/blue-green.md#the-previous-version); the other balancers have no such rule.
 */
export function previousColourPins(
  balancers: readonly Pick<Balancer, 'name' | 'type' | 'memberName'>[],
  targets: readonly string[],
  path: string,
): PreviousColourPin[] {
  return balancers
    .filter((balancer) => balancer.type === 'haproxy')
    .flatMap((balancer) =>
      targets.map((target) => {
        const member = balancer.memberName(target);
        const cookie = `${PIN_COOKIE}=${encodeURIComponent(member)}`;
        return {
          target,
          balancer: balancer.name,
          member,
          cookie,
          url: `${path === '/' ? '' : path}/?${cookie}`,
        };
      }),
    );
}
