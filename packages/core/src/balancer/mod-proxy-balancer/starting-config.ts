import { STARTING_CONFIG_ADMIN } from '../starting-config-defaults.js';
import type { StartingConfigSpec } from '../starting-config-options.js';

/**
 * A starting httpd configuration (a file to include in httpd.conf, or a virtual host's body) for
 * the app in front of the targets, as the mod_proxy_balancer driver expects it: a
 * balancer-manager reachable from loopback, one balancer whose members' routes are the targets'
 * jvmRoutes. Pure.
 */
export function modProxyBalancerStartingConfig(spec: StartingConfigSpec): string {
  const console = spec.admin ?? STARTING_CONFIG_ADMIN.mod_proxy_balancer;
  const { check, path, balancer } = spec;
  const below500 = check.passes === 'below-500';
  const checkParams = [
    `hcmethod=${check.method}`,
    `hcuri=${check.path}`,
    ...(below500 ? ['hcexpr=tomcat_pd_ok'] : []),
    'hcinterval=5',
    'hcpasses=1',
    'hcfails=2',
  ].join(' ');
  const target = `balancer://${balancer}${path === '/' ? '/' : path}`;
  return [
    `# A starting mod_proxy_balancer configuration for ${path}, from tomcat-pd lb config mod_proxy_balancer.`,
    '# Modules: proxy proxy_http proxy_balancer lbmethod_byrequests slotmem_shm proxy_hcheck',
    '# (Debian: a2enmod proxy_http proxy_balancer lbmethod_byrequests proxy_hcheck).',
    '# tomcat-pd.json, "balancers":',
    `#   { "name": "httpd", "type": "mod_proxy_balancer", "url": "http://127.0.0.1${console}", "balancer": "${balancer}" }`,
    ...(below500
      ? [
          "# OPTIONS at the app's root answers 200, or 405 from a JSP: below 500, the app runs.",
          'ProxyHCExpr tomcat_pd_ok {%{REQUEST_STATUS} < 500}',
        ]
      : []),
    '',
    `<Proxy balancer://${balancer}>`,
    "    # route= is the Tomcat's jvmRoute, the suffix of its session ids: the member name tomcat-pd",
    '    # drives. The health check makes no session, or Tomcat never counts 0 sessions on a drained member.',
    ...spec.targets.map(
      ({ name, host, port }) => `    BalancerMember http://${host}:${port} route=${name} ${checkParams}`,
    ),
    '    # Stickiness follows the route in the session id (cookie, or ;jsessionid= in the path), which',
    '    # a drained member (N) keeps taking. Never a hash of the address: a drain would move those visitors.',
    '    ProxySet stickysession=JSESSIONID|jsessionid scolonpathdelim=On lbmethod=byrequests',
    '</Proxy>',
    '',
    '# The console tomcat-pd drives: from this machine only (it changes what visitors reach).',
    `ProxyPass ${console} !`,
    `<Location ${console}>`,
    '    SetHandler balancer-manager',
    '    Require local',
    '</Location>',
    '',
    `ProxyPass ${path} ${target}`,
    `ProxyPassReverse ${path} ${target}`,
    '',
  ].join('\n');
}
