import type { StartingConfigTarget } from '@tomcat-pd/core/balancers';
import { UsageError } from '@tomcat-pd/core';
import type { BalancerConfig } from '../balancer-config.js';
import type { ConfigFile } from '../config-file.js';

/**
 * The config file's targets as a balancer's members: each named as its balancer entry's
 * `members` maps it (else the target's own name, its Tomcat's jvmRoute), at the host and port
 * where visitors reach it (`appUrl`, else the Manager URL's).
 */
export function membersOf(
  config: ConfigFile | undefined,
  balancer: BalancerConfig | undefined,
): StartingConfigTarget[] {
  const targets = config?.targets ?? [];
  if (targets.length === 0) {
    throw new UsageError('lb config needs the targets of a config file: it has none.', {
      hint: 'Add "targets" to tomcat-pd.json (or give --config FILE), one per Tomcat behind the balancer.',
    });
  }
  const members = (balancer?.members ?? {}) as Readonly<Record<string, string>>;
  return targets.map((target) => {
    const url = parseUrl(target.appUrl ?? target.url, target.name);
    return {
      name: members[target.name] ?? target.name,
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    };
  });
}

function parseUrl(text: string, name: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new UsageError(`The URL of target "${name}" is not a URL: ${text}.`);
  }
}

/** What a balancer entry of the config says a starting configuration must match. */
export interface EntryFacts {
  /** The socket (HAProxy), the console's path (mod_jk, mod_proxy_balancer), the managed file (nginx). */
  admin: string | undefined;
  /** The backend (HAProxy), the lb worker or balancer (httpd). */
  balancer: string | undefined;
}

export function entryFacts(entry: BalancerConfig | undefined): EntryFacts {
  const text = (key: string) => (typeof entry?.[key] === 'string' ? entry[key] : undefined);
  switch (entry?.type) {
    case undefined:
      return { admin: undefined, balancer: undefined };
    case 'haproxy':
      return { admin: text('socket'), balancer: text('backend') };
    case 'nginx':
      return { admin: text('file'), balancer: undefined };
    default: {
      const url = text('url');
      return { admin: url === undefined ? undefined : consolePath(url), balancer: text('balancer') };
    }
  }
}

function consolePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
