import type { BalancerDriver } from './balancer-driver.js';
import { parseBalancerOptions, type BalancerOptions, type BalancerSpec } from './balancer-options.js';
import { withMemberMap, type Balancer } from './balancer.js';
import { createHaproxyDriver } from './haproxy/haproxy-driver.js';
import { createModJkDriver } from './mod-jk/mod-jk-driver.js';
import { createModProxyBalancerDriver } from './mod-proxy-balancer/mod-proxy-balancer-driver.js';
import { createNginxDriver } from './nginx/nginx-driver.js';

/**
 * A balancer from its options, checked before anything is sent (a usage error names the balancer
 * and the field): the driver of its type, with the config's map from targets to members.
 */
export function createBalancer(options: BalancerOptions): Balancer {
  const spec = parseBalancerOptions(options);
  return withMemberMap(createDriver(spec), spec);
}

/** The driver of a checked spec's type. */
export function createDriver(spec: BalancerSpec): BalancerDriver {
  switch (spec.type) {
    case 'haproxy':
      return createHaproxyDriver(spec);
    case 'mod_jk':
      return createModJkDriver(spec);
    case 'mod_proxy_balancer':
      return createModProxyBalancerDriver(spec);
    case 'nginx':
      return createNginxDriver(spec);
  }
}
