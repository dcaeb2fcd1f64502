import type { BalancerDriver } from './balancer-driver.js';
import { memberNameOf, type BalancerSpec } from './balancer-options.js';

/** A driver with the config's map from targets to members: what the operations of `ops/lb/` work with. */
export interface Balancer extends BalancerDriver {
  /** The member name of a target on this balancer (its mapping, else the target's own name). */
  memberName(target: string): string;
}

/** A driver and the members map of its spec, as one {@link Balancer}. */
export function withMemberMap(driver: BalancerDriver, spec: Pick<BalancerSpec, 'members'>): Balancer {
  return {
    name: driver.name,
    type: driver.type,
    address: driver.address,
    read: (options) => driver.read(options),
    send: (member, state, options) => driver.send(member, state, options),
    memberName: (target) => memberNameOf(spec, target),
  };
}
