import { FleetOperationError } from '../../errors/error-classes.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { withAppLock } from '../app-lock.js';
import { firstFailure, fleetReports, mapLimited, withFleetSignal } from '../fleet.js';
import type { FleetRunContext } from '../run-context.js';
import { pausedTargets } from './paused-targets.js';
import type { RolloutRecord } from './rollout-record.js';

/** What an abort did on one target of the rollout. */
export interface AbortedTarget {
  target: string;
  /** `undeployed`: the version was there and is gone; `absent`: it was not there. */
  outcome: 'undeployed' | 'absent';
}

export interface AbortRolloutResult {
  path: string;
  version: string;
  /** Every target of the rollout, in its order. */
  targets: AbortedTarget[];
}

/**
 * Undoes a paused rollout: its version goes from every target of the rollout where it is, the
 * ones that took it before the pause and any a promote that died on the way reached. The
 * version before it is live again there.
 * @throws UsageError when `clients` are not the rollout's targets; FleetOperationError naming
 * the targets where the version could not be removed (the others are reported as done).
 */
export function abortRollout(
  clients: readonly ManagerClient[],
  record: RolloutRecord,
  context: FleetRunContext,
): Promise<AbortRolloutResult> {
  const { earlier, remaining } = pausedTargets(clients, record);
  const targets = [...earlier, ...remaining.flatMap((wave) => wave.targets)];
  const { path, version } = record;
  return withFleetSignal(context.signal, async ({ signal }) => {
    const settled = await mapLimited(targets, context.parallel, (client) =>
      withAppLock(client.managerUrl, path, async (): Promise<AbortedTarget> => {
        const listed = await client.list({ signal });
        if (!listed.some((entry) => entry.path === path && entry.version === version)) {
          return { target: client.name, outcome: 'absent' };
        }
        context.logger.info?.(
          `${client.name}: undeploying ${path} version ${version}: the rollout is aborted`,
        );
        await client.undeploy({ path, version });
        return { target: client.name, outcome: 'undeployed' };
      }),
    );
    const failed = firstFailure(settled);
    if (failed !== undefined) {
      throw new FleetOperationError(
        failed.error,
        `The abort of ${path} version ${version} failed on ${failed.item.name}: ${failed.error.message}`,
        fleetReports(settled, (client) => client.name, 'done'),
        'The version may still be there: run abort again (the rollout stays paused until it succeeds).',
      );
    }
    return { path, version, targets: settled.flatMap((result) => (result.ok ? [result.value] : [])) };
  });
}
