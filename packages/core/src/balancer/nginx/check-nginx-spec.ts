import { usageError } from '../../errors/error-classes.js';
import type { SpecOf } from '../balancer-options.js';

/** A Tomcat jvmRoute as it ends a session id, and a part of an nginx upstream's name. */
const MEMBER_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
/** `host:port`, `[v6]:port`: nothing that could end a directive or open a block in the file. */
const SERVER_ADDRESS = /^(?:[A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):[0-9]+$/;

/**
 * What the nginx driver needs of a spec besides what `parseBalancerOptions` checks: every member
 * name is a route (the suffix Tomcat puts on session ids) and every address a plain `host:port`,
 * since both are written into nginx's configuration. @throws UsageError naming the balancer and
 * the member.
 */
export function checkNginxSpec(spec: SpecOf<'nginx'>): void {
  const fail = (what: string) => usageError(`Balancer ${spec.name}: ${what}`);
  for (const [member, server] of Object.entries(spec.servers)) {
    if (!MEMBER_NAME.test(member)) {
      throw fail(
        `the member name ${JSON.stringify(member)} is not a Tomcat jvmRoute (letters, digits, "_", "-", and "." between them).`,
      );
    }
    if (typeof server !== 'string' || !SERVER_ADDRESS.test(server)) {
      throw fail(`the server of ${member} must be host:port, not ${JSON.stringify(server)}.`);
    }
  }
  if (!/^https?:\/\//.test(spec.url))
    throw fail(`"url" must be an http:// or https:// URL, not ${spec.url}.`);
}
