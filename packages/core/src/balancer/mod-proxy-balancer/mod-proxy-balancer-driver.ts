/**
 * mod_proxy_balancer's balancer-manager as a balancer driver (docs/balancers/mod-proxy-balancer.md):
 * members are its workers, known by route or by URL; drain is the N flag, maint S.
 */
import type { SpecOf } from '../balancer-options.js';
import type { BalancerDriver } from '../balancer-driver.js';
import { BalancerError, UsageError } from '../../errors/error-classes.js';
import type { BalancerReading, MemberReading } from '../member-state.js';
import { consoleAddress } from '../console-http.js';
import type { ManagerBalancer, ManagerWorker } from './manager-xml.js';
import { postWorkerStatus, readManagerBalancer } from './manager-exchange.js';
import { adminOfStatus, healthOfStatus } from './worker-status.js';

/** A worker as a member: named by its route, or by its URL when it has none. */
export function memberOfWorker(worker: ManagerWorker): MemberReading {
  return {
    name: worker.route !== '' ? worker.route : worker.url,
    admin: adminOfStatus(worker.status),
    health: healthOfStatus(worker.status),
    inFlight: worker.busy,
  };
}

/** The worker a member name means: its route or its URL. */
export function workerNamed(balancer: ManagerBalancer, member: string): ManagerWorker | undefined {
  return balancer.workers.find((worker) => worker.route === member || worker.url === member);
}

/**
 * A driver for the balancer-manager at `spec.url`, for `balancer://<spec.balancer>`.
 * @example createModProxyBalancerDriver(parseBalancerOptions({ type: 'mod_proxy_balancer', name: 'web', url: 'http://127.0.0.1/balancer-manager', balancer: 'shop' }) as SpecOf<'mod_proxy_balancer'>)
 */
export function createModProxyBalancerDriver(spec: SpecOf<'mod_proxy_balancer'>): BalancerDriver {
  const address = consoleAddress(spec.url);
  return {
    name: spec.name,
    type: 'mod_proxy_balancer',
    address,
    async read(options = {}): Promise<BalancerReading> {
      const balancer = await readManagerBalancer(spec, options);
      return {
        balancer: spec.name,
        type: 'mod_proxy_balancer',
        members: balancer.workers.map(memberOfWorker),
        // A UUID made when httpd starts: a new one means the flags set at run time are gone.
        generation: balancer.nonce === '' ? undefined : balancer.nonce,
      };
    },
    async send(member, state, options = {}): Promise<void> {
      // The nonce is read anew for every update: httpd makes a new one on every start.
      const balancer = await readManagerBalancer(spec, options);
      const worker = workerNamed(balancer, member);
      if (worker === undefined) {
        const known = balancer.workers
          .map((w) => (w.route === '' ? w.url : `${w.route} (${w.url})`))
          .join(', ');
        throw new UsageError(
          `Balancer ${spec.name} (${address}) has no member ${member}; its members: ${known || 'none'}.`,
        );
      }
      if (balancer.nonce === undefined || balancer.nonce === '') {
        const why =
          balancer.nonce === undefined
            ? 'its XML view shows no nonce (httpd before 2.4.71 shows it only in the HTML page)'
            : `balancer://${spec.balancer} has no nonce (nonce=None), and httpd then ignores every update`;
        throw new BalancerError(
          `Balancer ${spec.name} (${address}) cannot be changed over its balancer-manager: ${why}.`,
          { balancer: spec.name, member, answer: balancer.nonce === undefined ? 'no nonce' : 'nonce=None' },
          {
            url: address,
            hint: `Remove "nonce=None" from balancer://${spec.balancer}'s ProxySet: httpd 2.4.49 and later accept updates only with a nonce.`,
          },
        );
      }
      await postWorkerStatus(spec, { worker: worker.url, member, nonce: balancer.nonce, state }, options);
    },
  };
}
