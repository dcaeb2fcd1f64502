import { withDefaults } from '../common/defaults.js';
import { usageError } from '../errors/error-classes.js';
import { DEFAULT_AJP_PORT, STARTING_CONFIG_DEFAULTS } from './starting-config-defaults.js';

/** One Tomcat behind the balancer, as a starting configuration names it. */
export interface StartingConfigTarget {
  /** The member's name: its Tomcat's `jvmRoute` (the suffix of every session id it makes). */
  name: string;
  /** Where the balancer reaches its HTTP connector. */
  host: string;
  port: number;
  /**
   * mod_jk only: its AJP connector's port.
   * @defaultValue 8009
   */
  ajpPort?: number | undefined;
}

/** What every starting configuration is made from (`lb config <type>`). */
export interface StartingConfigOptions {
  /** The app's context path (`/shop`): what the balancer forwards, and where its check goes. */
  path: string;
  targets: readonly StartingConfigTarget[];
  /**
   * A path under the app that answers 2xx or 3xx and makes no session (`/health`), checked with
   * GET. Without it, the check is `OPTIONS` at the app's root, which Tomcat answers without a
   * session (a JSP answers 405), and any status below 500 passes.
   */
  probe?: string | undefined;
  /**
   * HAProxy: its persistence cookie is ignored after this many idle minutes, as Tomcat's session
   * is expired (`<session-timeout>` in web.xml).
   * @defaultValue 30
   */
  sessionTimeoutMinutes?: number | undefined;
  /**
   * The admin endpoint tomcat-pd drives: HAProxy's stats socket (a UNIX path, or a loopback
   * `tcp://127.0.0.1:9999`), the console's path for mod_jk and mod_proxy_balancer, the managed
   * file for nginx. @defaultValue per type: `STARTING_CONFIG_ADMIN`
   */
  admin?: string | undefined;
  /**
   * The backend, lb worker or balancer that holds the members.
   * @defaultValue `tomcats`
   */
  balancer?: string | undefined;
  /**
   * Where the balancer listens for visitors (HAProxy `bind`, httpd `Listen`, nginx `listen`).
   * @defaultValue `80`
   */
  listen?: string | undefined;
}

/** How the balancer checks a member: GET on a probe path, or OPTIONS at the app's root. */
export interface HealthCheck {
  readonly method: 'GET' | 'OPTIONS';
  /** The path from the server's root (`/shop/health`, `/shop/`). */
  readonly path: string;
  /** GET: 2xx or 3xx (the balancers' default); OPTIONS: any status below 500. */
  readonly passes: '2xx-3xx' | 'below-500';
}

/** The checked options, every default filled in. */
export interface StartingConfigSpec {
  readonly path: string;
  readonly targets: readonly Required<StartingConfigTarget>[];
  readonly check: HealthCheck;
  readonly sessionTimeoutMinutes: number;
  readonly admin: string | undefined;
  readonly balancer: string;
  readonly listen: string;
}

// Names go into configuration files unquoted (HAProxy `server`, mod_jk worker properties, nginx
// upstream names): the characters every one of them takes as a plain word.
const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/;
// A path goes into the same files: no spaces, quotes or anything a config parser reads.
const PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/;

/** Checks the options before anything is rendered. @throws UsageError naming the field. */
export function parseStartingConfigOptions(options: StartingConfigOptions): StartingConfigSpec {
  const merged = withDefaults(options, STARTING_CONFIG_DEFAULTS);
  const path = appPath(options.path);
  if (options.targets.length === 0) {
    throw usageError('A starting configuration needs at least one target (the config file has none).');
  }
  const targets = options.targets.map((target) => checkedTarget(target));
  const names = targets.map((target) => target.name);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw usageError(`The member name ${twice} is used twice.`);
  const minutes = merged.sessionTimeoutMinutes;
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw usageError(`The session timeout must be a whole number of minutes, at least 1, not ${minutes}.`);
  }
  if (!NAME.test(merged.balancer))
    throw usageError(`The balancer name ${merged.balancer} is not a plain word.`);
  if (!/^(?:[A-Za-z0-9.:[\]*-]+:)?\d{1,5}$/.test(merged.listen)) {
    throw usageError(`Listen on a port or an address:port, not ${merged.listen}.`);
  }
  if (options.admin !== undefined && !PATH.test(options.admin) && !options.admin.startsWith('tcp://')) {
    throw usageError(`The admin endpoint must be a path, not ${options.admin}.`);
  }
  return {
    path,
    targets,
    check: healthCheck(path, options.probe),
    sessionTimeoutMinutes: minutes,
    admin: options.admin,
    balancer: merged.balancer,
    listen: merged.listen,
  };
}

function appPath(path: string): string {
  if (typeof path !== 'string' || !PATH.test(path)) {
    throw usageError(`The app's path must start with / (e.g. /shop), not ${String(path)}.`);
  }
  // "/shop/" and "/shop" are one app; the root app is "/".
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

function checkedTarget(target: StartingConfigTarget): Required<StartingConfigTarget> {
  if (!NAME.test(target.name)) {
    throw usageError(
      `The member name ${target.name} must be letters, digits, and _ . - between them: it is the Tomcat's jvmRoute.`,
    );
  }
  if (!/^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/.test(target.host)) {
    throw usageError(`The host of ${target.name} must be a host name or address, not ${target.host}.`);
  }
  const ajpPort = target.ajpPort ?? DEFAULT_AJP_PORT;
  for (const [what, port] of [
    ['port', target.port],
    ['AJP port', ajpPort],
  ] as const) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw usageError(`The ${what} of ${target.name} must be 1 to 65535, not ${port}.`);
    }
  }
  return { name: target.name, host: target.host, port: target.port, ajpPort };
}

/**
 * The check every generator writes. A probe path is under the app (`/health` → `/shop/health`);
 * without one, OPTIONS at the app's root: Tomcat's default servlet and Jasper answer it (a JSP
 * with 405) without making a session, so Tomcat's session count can reach 0 on a drained member.
 */
export function healthCheck(path: string, probe: string | undefined): HealthCheck {
  const root = path === '/' ? '/' : `${path}/`;
  if (probe === undefined) return { method: 'OPTIONS', path: root, passes: 'below-500' };
  const relative = probe.replace(/^\/+/, '');
  const full = `${root}${relative}`;
  if (!PATH.test(full)) throw usageError(`The probe path must be a plain path, not ${probe}.`);
  return { method: 'GET', path: full, passes: '2xx-3xx' };
}

/** `# ` before each line of a comment block. */
export function commentLines(lines: readonly string[], prefix = '# '): string[] {
  return lines.map((line) => `${prefix}${line}`.trimEnd());
}
