import type { AdminState } from '../member-state.js';

/**
 * The names the managed file defines, which the user's nginx configuration refers to
 * (docs/balancers/nginx.md): its `server` block does `proxy_pass http://$tomcat_pd_upstream;`
 * and answers the marker's location with `$tomcat_pd_generation`.
 */
export const NGINX_NAMES = {
  /** The variable that names the upstream a request goes to. */
  upstreamVariable: 'tomcat_pd_upstream',
  /** The variable that holds the file's generation. */
  generationVariable: 'tomcat_pd_generation',
  /**
   * The upstream of new visitors: the ready members, the others `down`. Upstream names are
   * written with `-`: nginx sends an upstream's name as the Host header unless told otherwise,
   * and Tomcat answers 400 to a host name with `_` (measured with Tomcat 10.1 behind nginx 1.22).
   */
  pool: 'tomcat-pd-pool',
  /** The path, under the balancer's `url`, where the user's server block returns the generation. */
  markerPath: '/tomcat-pd/generation',
} as const;

/** The first words of the line that records the state, so that `read()` parses it back. */
export const STATE_PREFIX = '# tomcat-pd-state ';

/** One member as the file records it. */
export interface NginxFileMember {
  readonly name: string;
  readonly admin: AdminState;
  /** Its Tomcat's `host:port`. */
  readonly server: string;
}

/** What the managed file says: the source of truth of every member's admin state. */
export interface NginxFileState {
  /** The balancer's name in the config: a file written for another balancer is not ours. */
  readonly balancer: string;
  /** Changes with every file written; nginx serves it at the marker once it runs this file. */
  readonly generation: string;
  readonly members: readonly NginxFileMember[];
}

/** The upstream of one member, reached by its sticky visitors. */
export function memberUpstream(member: string): string {
  return `tomcat-pd-node-${member}`;
}

/**
 * The managed file: one upstream per member, the pool of new visitors, and two maps that send a
 * session's route (`JSESSIONID=<id>.web1`, or `;jsessionid=<id>.web1` in the path) to its
 * member's upstream, and anything else to the pool. A drained member keeps its map entries (its
 * sticky visitors still reach it) and is `down` in the pool; a member in maint has no entries
 * (its visitors go to the pool, losing a session that is not replicated) and is `down` in the
 * pool. Member names and addresses are checked before (check-nginx-spec.ts), so nothing here
 * needs quoting beyond the regexes.
 */
export function renderNginxFile(state: NginxFileState): string {
  const { members } = state;
  const routed = members.filter((member) => member.admin !== 'maint');
  const { upstreamVariable, generationVariable, pool } = NGINX_NAMES;
  return [
    `# Written by tomcat-pd for balancer ${state.balancer}. Do not edit: tomcat-pd rewrites it on every change.`,
    `${STATE_PREFIX}${JSON.stringify(state)}`,
    '',
    `upstream ${pool} {`,
    // `down` rather than left out: an upstream without servers is an error for nginx, and every
    // member in maint or drain would leave none.
    ...members.map((member) => `    server ${member.server}${member.admin === 'ready' ? '' : ' down'};`),
    '}',
    '',
    ...members.map((member) => memberBlock(member, members)),
    '',
    // Tomcat takes the cookie over the path parameter, so the cookie's map is asked first and
    // falls back to the path's.
    `map $request_uri $tomcat_pd_path_route {`,
    ...routed.map((member) => `    "${pathRoute(member.name)}" ${memberUpstream(member.name)};`),
    `    default ${pool};`,
    '}',
    '',
    `map $cookie_JSESSIONID $${upstreamVariable} {`,
    ...routed.map((member) => `    "${cookieRoute(member.name)}" ${memberUpstream(member.name)};`),
    `    default $tomcat_pd_path_route;`,
    '}',
    '',
    `map "" $${generationVariable} { default "${state.generation}"; }`,
    '',
  ].join('\n');
}

/**
 * A member's own upstream: its server, then the ready members as `backup`, so that when the
 * member stops answering (a crash, a stop before maint), nginx sends its sticky visitors to a
 * ready member (`proxy_next_upstream`'s default: on a connection error or time-out) instead of
 * answering 502: the session is lost either way, the visitor is not.
 */
function memberBlock(member: NginxFileMember, members: readonly NginxFileMember[]): string {
  const backups = members.filter((other) => other.name !== member.name && other.admin === 'ready');
  const servers = [`server ${member.server};`, ...backups.map((other) => `server ${other.server} backup;`)];
  return `upstream ${memberUpstream(member.name)} { ${servers.join(' ')} }`;
}

/** A session id that ends with `.<route>` (Tomcat's jvmRoute). */
function cookieRoute(route: string): string {
  return `~\\.${escapeRegex(route)}$`;
}

/** `;jsessionid=<id>.<route>` in the path, before any query string. */
function pathRoute(route: string): string {
  return `~^[^?]*;jsessionid=[^?/;]*\\.${escapeRegex(route)}(?:[?/;]|$)`;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
