import { usageError } from '../../errors/error-classes.js';
import { STARTING_CONFIG_ADMIN } from '../starting-config-defaults.js';
import type { StartingConfigSpec } from '../starting-config-options.js';
import { parseSocketAddress } from './socket-address.js';

/** HAProxy's persistence cookie: it names the server a visitor stays on. */
export const HAPROXY_ROUTE_COOKIE = 'TOMCAT_PD_ROUTE';
/** The pin cookie: `TOMCAT_PD_PIN=<server>` sends a request to that server, drained or in maint. */
export const PIN_COOKIE = 'TOMCAT_PD_PIN';

/**
 * A starting `haproxy.cfg` for the app in front of the targets, as the HAProxy driver expects it:
 * a `stats socket` at level admin, one backend whose servers are named as the members. Pure.
 */
export function haproxyStartingConfig(spec: StartingConfigSpec): string {
  const socket = spec.admin ?? STARTING_CONFIG_ADMIN.haproxy;
  const { check } = spec;
  const expect =
    check.passes === 'below-500'
      ? [
          "    # OPTIONS at the app's root answers 200, or 405 from a JSP: below 500, the app runs.",
          '    http-check expect rstatus ^[1-4][0-9][0-9]$',
        ]
      : [];
  return [
    `# A starting HAProxy configuration for ${spec.path}, from tomcat-pd lb config haproxy.`,
    '# tomcat-pd.json, "balancers":',
    `#   { "name": "haproxy", "type": "haproxy", "socket": "${socket}", "backend": "${spec.balancer}" }`,
    'global',
    "    # The runtime API that tomcat-pd's lb commands drive: level admin may change a server's",
    '    # state, and has no password, so it is a UNIX socket (mode 600) or bound to loopback.',
    `    stats socket ${socketBind(socket)} level admin`,
    '    stats timeout 30s',
    '',
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 60s',
    '    timeout server 60s',
    '',
    'frontend web',
    `    bind ${spec.listen.includes(':') ? spec.listen : `:${spec.listen}`}`,
    `    default_backend ${spec.balancer}`,
    '',
    `backend ${spec.balancer}`,
    '    # New visitors go round the servers that are ready (not drained, not in maint).',
    '    balance roundrobin',
    '    # Stickiness: HAProxy inserts a cookie naming the server, which it keeps honouring while',
    "    # the server is drained, so nobody is logged out by a drain. maxidle is Tomcat's session",
    '    # timeout: a visitor idle that long has no session left, and is no longer held on a',
    '    # drained server (where a new session would keep the drain from ending).',
    '    # Never balance source or hash: a drain moves those visitors at once, sessions lost.',
    `    cookie ${HAPROXY_ROUTE_COOKIE} insert indirect nocache httponly maxidle ${spec.sessionTimeoutMinutes}m`,
    '    # The health check must make no session, or Tomcat never counts 0 sessions on a drained server.',
    `    option httpchk ${check.method} ${check.path}`,
    ...expect,
    ...pinRules(spec.targets.map(({ name }) => name)),
    "    # A server is named as its Tomcat's jvmRoute: the member name tomcat-pd drives.",
    ...spec.targets.map(
      ({ name, host, port }) => `    server ${name} ${host}:${port} check inter 2s cookie ${name}`,
    ),
    '',
  ].join('\n');
}

/**
 * The pin (docs/balancers/haproxy.md, "Pinning a visitor to a server"): the cookie
 * `TOMCAT_PD_PIN=<server>`, or `?TOMCAT_PD_PIN=<server>` in the URL, which also sets that cookie,
 * reaches that server even drained or in maint; `?TOMCAT_PD_PIN=` expires the cookie. Only the
 * servers' own names are taken: any other value is ignored (and never copied into a header).
 */
function pinRules(servers: readonly string[]): string[] {
  const names = servers.join(' ');
  const pin = PIN_COOKIE;
  return [
    `    # The pin (${pin}=<server>, a cookie or in the query string, which then sets the cookie)`,
    '    # reaches that server even drained or in maint, for a smoke test or the previous colour;',
    `    # ?${pin}= (empty) unpins. Anyone can send one: limit it to your network with { src ... }.`,
    `    acl pin_asked url_param(${pin}) -m str ${names}`,
    `    acl pin_cookie req.cook(${pin}) -m str ${names}`,
    `    acl unpin url_param(${pin}) -m len 0`,
    '    # Decided as the backend is chosen, before its http-request rules: on the ACLs, not txn.pin.',
    '    force-persist if pin_asked || pin_cookie !unpin',
    `    http-request set-var(txn.pin) req.cook(${pin}) if pin_cookie !unpin`,
    `    http-request set-var(txn.pin_asked) url_param(${pin}) if pin_asked`,
    '    http-request set-var(txn.pin) var(txn.pin_asked) if pin_asked',
    '    http-request set-var(txn.unpin) bool(true) if unpin',
    ...servers.map((name) => `    use-server ${name} if { var(txn.pin) -m str ${name} }`),
    `    http-response add-header Set-Cookie "${pin}=%[var(txn.pin_asked)]; Path=/" if { var(txn.pin_asked) -m found }`,
    `    http-response add-header Set-Cookie "${pin}=; Path=/; Max-Age=0" if { var(txn.unpin) -m bool }`,
  ];
}

/** The `stats socket` address: a UNIX path, or `ipv4@`/`ipv6@` on loopback only. */
function socketBind(socket: string): string {
  const address = parseSocketAddress(socket);
  if (address === undefined) throw usageError(`The stats socket ${socket} is not a path or tcp://host:port.`);
  if (address.kind === 'unix') return `${address.path} mode 600`;
  const { host, port } = address;
  if (host === '::1') return `ipv6@::1:${port}`;
  if (/^127(?:\.\d{1,3}){3}$/.test(host)) return `ipv4@${host}:${port}`;
  throw usageError(
    `The stats socket must be a UNIX path or on loopback (tcp://127.0.0.1:PORT), not ${socket}: it has no password.`,
  );
}
