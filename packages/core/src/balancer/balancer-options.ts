import { withDefaults } from '../common/defaults.js';
import { silentLogger, type Logger } from '../common/logger.js';
import { usageError } from '../errors/error-classes.js';
import { parseSshOptions, type SshOptions } from '../ssh/ssh-options.js';
import { sshLinkFor, type SshLink } from '../ssh/ssh-pool.js';
import { BALANCER_TYPES, type BalancerType } from './member-state.js';

/** What every balancer's options have. */
export interface BalancerCommonOptions {
  /** Its name in the config and in every message (`lb1`). */
  name: string;
  /**
   * Which member each target is: target name → member name. A target not named here is the
   * member of its own name (HAProxy's `server` name, mod_jk's worker, mod_proxy_balancer's route
   * or worker URL, nginx's node).
   */
  members?: Readonly<Record<string, string>> | undefined;
  /**
   * How long one exchange with the balancer may take.
   * @defaultValue 5 000 (5 s)
   */
  timeoutMs?: number | undefined;
  /**
   * Reach the balancer's API through SSH to its host: `socket` or `url` is then as seen from that
   * host (`/run/haproxy/admin.sock`, `http://127.0.0.1:8081/jkstatus`). Not for nginx, which is
   * driven through files and commands on this machine. docs/ssh.md.
   */
  ssh?: SshOptions | undefined;
  /** Where the SSH connection says what it does (`--verbose`). @defaultValue a logger that drops everything */
  logger?: Logger | undefined;
}

/** HAProxy's runtime API (`stats socket ... level admin`). */
export interface HaproxyBalancerOptions extends BalancerCommonOptions {
  type: 'haproxy';
  /** A UNIX socket's path, or `tcp://host:port`. */
  socket: string;
  /** The backend whose servers are the members. */
  backend: string;
}

/** A web console over HTTP: mod_jk's status worker or mod_proxy_balancer's balancer-manager. */
export interface ConsoleBalancerOptions extends BalancerCommonOptions {
  /** The console's URL (`http://127.0.0.1:8081/jkstatus`, `.../balancer-manager`). */
  url: string;
  /** The balancer inside it (mod_jk's lb worker; mod_proxy_balancer's name without `balancer://`). */
  balancer: string;
  /** Basic credentials, when the console asks for them (the caller reads them from the environment). */
  user?: string | undefined;
  password?: string | undefined;
}

export interface ModJkBalancerOptions extends ConsoleBalancerOptions {
  type: 'mod_jk';
}

export interface ModProxyBalancerOptions extends ConsoleBalancerOptions {
  type: 'mod_proxy_balancer';
}

/**
 * nginx, which has no runtime API: tomcat-pd owns one included file (an upstream pool for new
 * visitors and a map from the session cookie's route to each node), rewrites it, tests it and
 * reloads (docs/balancers/README.md).
 */
export interface NginxBalancerOptions extends BalancerCommonOptions {
  type: 'nginx';
  /** The file tomcat-pd owns, included by nginx's configuration. */
  file: string;
  /** The command that tests the configuration nginx runs with (`["nginx", "-p", DIR, "-c", CONF, "-t"]`). */
  test: readonly string[];
  /** The command that reloads it (`["nginx", "-p", DIR, "-c", CONF, "-s", "reload"]`). */
  reload: readonly string[];
  /** Each member's address: member name → `host:port` of its Tomcat. */
  servers: Readonly<Record<string, string>>;
  /** Where nginx serves, to read the file's generation marker back after a reload (`http://127.0.0.1:8080`). */
  url: string;
}

/** One balancer of the config, as the library takes it. */
export type BalancerOptions =
  HaproxyBalancerOptions | ModJkBalancerOptions | ModProxyBalancerOptions | NginxBalancerOptions;

export const BALANCER_DEFAULTS = {
  timeoutMs: 5_000,
} satisfies Partial<BalancerCommonOptions>;

/** A balancer's options, checked, with every default (one per type, as the options are). */
export type BalancerSpec = BalancerOptions extends infer O
  ? O extends BalancerOptions
    ? Omit<O, keyof BalancerCommonOptions> & {
        readonly name: string;
        readonly timeoutMs: number;
        readonly members: Readonly<Record<string, string>>;
        /** The SSH connection to the balancer's host, when it is reached through one. */
        readonly tunnel?: SshLink | undefined;
      }
    : never
  : never;
export type SpecOf<T extends BalancerType> = Extract<BalancerSpec, { type: T }>;

/** Checks one balancer's options before anything is sent. @throws UsageError naming the balancer and the field. */
export function parseBalancerOptions(options: BalancerOptions): BalancerSpec {
  const name = typeof options.name === 'string' && options.name !== '' ? options.name : undefined;
  if (name === undefined) throw usageError('A balancer needs a "name".');
  const fail = (what: string) => usageError(`Balancer ${name}: ${what}`);
  if (!(BALANCER_TYPES as readonly string[]).includes(options.type)) {
    throw fail(`"type" must be one of ${BALANCER_TYPES.join(', ')}, not ${String(options.type)}.`);
  }
  const { timeoutMs } = withDefaults({ timeoutMs: options.timeoutMs }, BALANCER_DEFAULTS);
  if (!(timeoutMs > 0)) throw fail(`"timeoutMs" must be more than 0, not ${timeoutMs}.`);
  const members = { ...options.members };
  for (const [target, member] of Object.entries(members)) {
    if (typeof member !== 'string' || member === '')
      throw fail(`"members" maps ${target} to no member name.`);
  }
  const text = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value === '') throw fail(`"${field}" must be a non-empty string.`);
  };
  switch (options.type) {
    case 'haproxy':
      text('socket', options.socket);
      text('backend', options.backend);
      break;
    case 'mod_jk':
    case 'mod_proxy_balancer':
      text('url', options.url);
      text('balancer', options.balancer);
      if (!/^https?:\/\//.test(options.url))
        throw fail(`"url" must be an http:// or https:// URL, not ${options.url}.`);
      break;
    case 'nginx':
      if (options.ssh !== undefined) {
        throw fail(
          'nginx has no API to reach through SSH: tomcat-pd rewrites its file and reloads it on this machine. Run tomcat-pd on the nginx host, or leave out "ssh".',
        );
      }
      text('file', options.file);
      text('url', options.url);
      for (const field of ['test', 'reload'] as const) {
        const command: unknown = options[field];
        if (
          !Array.isArray(command) ||
          command.length === 0 ||
          !command.every((word) => typeof word === 'string')
        ) {
          throw fail(`"${field}" must be a command as an array of words, e.g. ["nginx", "-t"].`);
        }
      }
      if (Object.keys(options.servers ?? {}).length === 0) {
        throw fail('"servers" must map each member to its Tomcat\'s host:port.');
      }
      break;
  }
  const { ssh, logger, ...rest } = options;
  const tunnel =
    ssh === undefined
      ? undefined
      : sshLinkFor(parseSshOptions(ssh, `Balancer ${name}`), logger ?? silentLogger);
  return { ...rest, name, timeoutMs, members, tunnel };
}

/** The member name of a target on a balancer: its mapping, or the target's own name. */
export function memberNameOf(spec: Pick<BalancerSpec, 'members'>, target: string): string {
  return spec.members[target] ?? target;
}
