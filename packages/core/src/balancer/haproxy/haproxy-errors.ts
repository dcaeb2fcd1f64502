import { BalancerError, UsageError } from '../../errors/error-classes.js';
import type { HaproxyRefusal } from './haproxy-answer.js';

/** What a refusal is about, for its error. */
export interface RefusalContext {
  readonly balancer: string;
  readonly address: string;
  readonly backend: string;
  /** The verb of the command refused (`show stat`, `set server`). */
  readonly verb: string;
  readonly member?: string | undefined;
  /** The names HAProxy has where one was missing (its backends, or the backend's servers), listed. */
  readonly known?: string | undefined;
}

/**
 * The error a refusal is, decided on its kind: a backend or server HAProxy lacks is bad input
 * (`UsageError`: nothing was changed, the config names the wrong thing); every other refusal,
 * and an answer that is not the protocol, is a `BalancerError` carrying HAProxy's text.
 */
export function refusalError(refusal: HaproxyRefusal, context: RefusalContext): UsageError | BalancerError {
  const where = `Balancer ${context.balancer} (${context.address})`;
  const known = context.known ?? '?';
  switch (refusal.kind) {
    case 'no-such-backend':
      return new UsageError(`${where} has no backend ${context.backend}; its backends: ${known}.`, {
        hint: 'Set the balancer\'s "backend" in the config file to the backend whose servers are the Tomcats.',
      });
    case 'no-such-server':
      return new UsageError(
        `${where} has no server ${context.member ?? '?'} in backend ${context.backend}; its servers: ${known}.`,
        { hint: 'Map the target to its member name in the balancer\'s "members" in the config file.' },
      );
    case 'unexpected':
      return new BalancerError(
        `${where} answered "${context.verb}" with what is not HAProxy's runtime API: ${refusal.text}`,
        { balancer: context.balancer, member: context.member, answer: refusal.text },
      );
    default:
      return new BalancerError(
        `${where} refused "${context.verb}": ${refusal.text}`,
        {
          balancer: context.balancer,
          member: context.member,
          answer: refusal.text,
        },
        {
          hint:
            refusal.kind === 'permission-denied'
              ? 'Changing a server\'s state needs HAProxy\'s "stats socket ... level admin": use that socket.'
              : undefined,
        },
      );
  }
}
