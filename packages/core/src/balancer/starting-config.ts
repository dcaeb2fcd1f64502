import { haproxyStartingConfig } from './haproxy/starting-config.js';
import type { BalancerType } from './member-state.js';
import { modJkStartingConfig } from './mod-jk/starting-config.js';
import { modProxyBalancerStartingConfig } from './mod-proxy-balancer/starting-config.js';
import { nginxStartingConfig } from './nginx/starting-config.js';
import { parseStartingConfigOptions, type StartingConfigOptions } from './starting-config-options.js';

const GENERATORS = {
  haproxy: haproxyStartingConfig,
  mod_jk: modJkStartingConfig,
  mod_proxy_balancer: modProxyBalancerStartingConfig,
  nginx: nginxStartingConfig,
} as const;

/**
 * A starting configuration of a balancer of `type` for the targets, that works with the lb
 * commands: stickiness that follows Tomcat's sessions, a health check that makes no session, the
 * admin endpoint on loopback. The options are checked first. @throws UsageError on bad options.
 */
export function startingConfig(type: BalancerType, options: StartingConfigOptions): string {
  return GENERATORS[type](parseStartingConfigOptions(options));
}
