import { parseBalancerOptions, type NginxBalancerOptions, type SpecOf } from '../balancer-options.js';
import { writeInitialNginxFile } from './nginx-driver.js';

/**
 * The managed file of an nginx balancer, written with every member ready when it is missing
 * (nginx does not start while an included file is missing); an existing file of this balancer is
 * kept as it is, another one refused. From the balancer's options, checked first.
 * @returns `written`, or `kept` when the file was there.
 * @throws UsageError on bad options; BalancerError when the file there is not this balancer's.
 */
export function writeStartingNginxFile(options: NginxBalancerOptions): Promise<'written' | 'kept'> {
  return writeInitialNginxFile(parseBalancerOptions(options) as SpecOf<'nginx'>);
}
