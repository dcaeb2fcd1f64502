/**
 * serve's watch of the config's balancers: loaded by the serve action only when the config has
 * balancers, so that serve without them loads none of the balancers' code.
 */
import type { FleetSnapshot } from '@tomcat-pd/core';
import {
  ADMIN_STATES,
  balancersView,
  coloursView,
  initialBalancersSnapshot,
  watchBalancers,
  type AdminState,
  type BalancersSnapshot,
} from '@tomcat-pd/core/balancers';
import type { CliContext } from '../context.js';
import { readRestartRecord, restartRecordFile } from '../restart-record.js';
import type { LbView } from './lb-section.js';

export interface LbWatch {
  /** Every admin state a member can have: the `/metrics` series of each. */
  readonly adminStates: readonly AdminState[];
  readonly names: readonly string[];
  /**
   * The last reading of every balancer, each member with its target's sessions in `fleet`, the
   * colours told from them, and the restart's record as it is now (read again at each view: a
   * few hundred bytes of a local file, and a view is made only when a read ended).
   */
  view(fleet: FleetSnapshot): LbView;
  /** Reads every balancer each interval until `signal` aborts; `onChange` after each read. */
  run(signal: AbortSignal, onChange: () => void): Promise<void>;
}

/**
 * The config's balancers (a missing credential is a usage error here, before serve listens),
 * ready to be read every `intervalMs`; each member is shown as the target of `targets` it maps to.
 */
export async function createLbWatch(
  context: CliContext,
  targets: readonly string[],
  intervalMs: number,
): Promise<LbWatch> {
  const balancers = await context.balancers();
  const restartFile = restartRecordFile(context.config?.source);
  let last: BalancersSnapshot = initialBalancersSnapshot(balancers, intervalMs);
  return {
    adminStates: ADMIN_STATES,
    names: balancers.map((balancer) => balancer.name),
    view: (fleet) => {
      const view = balancersView(last, fleet);
      return { balancers: view, colours: coloursView(view, fleet), restart: readRestartRecord(restartFile) };
    },
    run: (signal, onChange) =>
      watchBalancers(balancers, {
        intervalMs,
        targets,
        signal,
        onChange: (next) => {
          last = next;
          onChange();
        },
      }),
  };
}
