import type { BalancerType } from '@tomcat-pd/core/balancers';

/**
 * What became of nginx's managed file: `written` (every member ready), `kept` (this balancer's
 * file was there), `untouched` (no nginx balancer in the config to write it for).
 */
export type ManagedFileOutcome = 'written' | 'kept' | 'untouched';

/** `lb config --json`: the configuration's text; for nginx, the file it includes and what became of it. */
export interface LbConfigDocument {
  type: BalancerType;
  text: string;
  file?: { path: string; outcome: ManagedFileOutcome };
}

export function lbConfigDocument(
  type: BalancerType,
  text: string,
  file?: { path: string; outcome: ManagedFileOutcome },
): LbConfigDocument {
  return file === undefined ? { type, text } : { type, text, file };
}

/** For people, on stderr: what nginx needs before it starts, and whether tomcat-pd wrote it. */
export function renderManagedFile({ path, outcome }: { path: string; outcome: ManagedFileOutcome }): string {
  switch (outcome) {
    case 'written':
      return `Wrote ${path} with every member ready: nginx includes it, and does not start without it.`;
    case 'kept':
      return `${path} is there already, tomcat-pd's for this balancer: kept as it is.`;
    case 'untouched':
      return (
        `nginx does not start while ${path} is missing. Add a "balancers" entry of type nginx with ` +
        '"file", "test", "reload", "servers" and "url" to the config file, and run lb config nginx again to write it.'
      );
  }
}
