/**
 * mod_jk's status worker (`worker.<name>.type=status`, mounted with `JkMount`) as a balancer
 * driver: `cmd=show` to read one lb worker, `cmd=update` with `vwa=` to set a member's activation
 * (docs/balancers/mod-jk.md). Both in `mime=prop`, whose `worker.result.type` line is the only
 * sign of an error: the status worker answers HTTP 200 to every command it handles.
 */
import type { SpecOf } from '../balancer-options.js';
import type { BalancerDriver, DriverCallOptions } from '../balancer-driver.js';
import { BalancerError } from '../../errors/error-classes.js';
import type { AdminState, BalancerReading } from '../member-state.js';
import { consoleAddress, consoleGet } from '../console-http.js';
import { readJkBalancer } from './jk-members.js';
import { jkResult, parseJkProperties, type JkProperties } from './jk-properties.js';

/**
 * The `vwa` value of each admin state. Only these three are ever sent: mod_jk takes any other
 * value (`vwa=x`) for ACT and still answers `type=OK` (seen on 1.2.48).
 */
const ACTIVATION_OF: Readonly<Record<AdminState, string>> = { ready: 'a', drain: 'd', maint: 's' };

/**
 * A driver for mod_jk's status worker at `spec.url`, for the lb worker `spec.balancer`.
 * @example createModJkDriver(parseBalancerOptions({ type: 'mod_jk', name: 'lb1', url: 'http://127.0.0.1/jkstatus', balancer: 'lb' }) as SpecOf<'mod_jk'>)
 */
export function createModJkDriver(spec: SpecOf<'mod_jk'>): BalancerDriver {
  const address = consoleAddress(spec.url);
  const command = async (
    params: Record<string, string>,
    options: DriverCallOptions,
    member?: string,
  ): Promise<JkProperties> => {
    const url = new URL(spec.url);
    for (const [key, value] of Object.entries({ ...params, mime: 'prop' })) url.searchParams.set(key, value);
    const answer = await consoleGet(spec, url, {}, options);
    const properties = parseJkProperties(answer.body);
    const result = jkResult(properties);
    if (result.type === 'OK') return properties;
    const said = result.type === 'ERROR' ? `type=ERROR: ${result.message}` : 'no worker.result line';
    throw new BalancerError(
      `Balancer ${spec.name} (${address}) refused cmd=${params.cmd}${member === undefined ? '' : ` for ${member}`}: ${said}.`,
      { balancer: spec.name, member, answer: result.type === 'ERROR' ? result.message : said },
      { url: address, hint: result.type === 'missing' ? notStatusWorkerHint : undefined },
    );
  };
  return {
    name: spec.name,
    type: 'mod_jk',
    address,
    async read(options = {}): Promise<BalancerReading> {
      const properties = await command({ cmd: 'show', w: spec.balancer }, options);
      const read = readJkBalancer(properties, spec.balancer);
      if (!read.ok) {
        throw new BalancerError(
          `Balancer ${spec.name} (${address}) has no lb worker ${spec.balancer}: ${read.reason}.`,
          { balancer: spec.name, answer: read.reason },
          {
            url: address,
            hint: 'Check the balancer\'s "balancer": the lb worker\'s name in workers.properties.',
          },
        );
      }
      return { balancer: spec.name, type: 'mod_jk', members: read.members, generation: read.generation };
    },
    async send(member, state, options = {}): Promise<void> {
      const params = { cmd: 'update', w: spec.balancer, sw: member, vwa: ACTIVATION_OF[state] };
      await command(params, options, member);
    },
  };
}

const notStatusWorkerHint =
  'The URL answered, but not as a mod_jk status worker in mime=prop: check the balancer\'s "url" (the JkMount of a worker of type=status).';
