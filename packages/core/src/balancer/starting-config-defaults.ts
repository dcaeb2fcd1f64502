/**
 * The defaults of a starting configuration (`lb config`), in a module of their own: the command
 * line's help names them at every start, which must not load the generators with them.
 */
export const STARTING_CONFIG_DEFAULTS = {
  sessionTimeoutMinutes: 30,
  balancer: 'tomcats',
  listen: '80',
} as const;

/** Tomcat's default AJP port, in the server.xml it ships. */
export const DEFAULT_AJP_PORT = 8009;

/** Each type's admin endpoint when none is given: where Debian's packages would put it. */
export const STARTING_CONFIG_ADMIN = {
  haproxy: '/run/haproxy/admin.sock',
  mod_jk: '/jkstatus',
  mod_proxy_balancer: '/balancer-manager',
  nginx: '/etc/nginx/tomcat-pd/tomcats.conf',
} as const;
