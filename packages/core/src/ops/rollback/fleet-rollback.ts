import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { validateContextPath } from '../../versions/context-name.js';
import { withDefaults } from '../../common/defaults.js';
import { FleetOperationError, type FleetTargetReport } from '../../errors/errors.js';
import { DEFAULT_PARALLEL, firstFailure, mapLimited, withFleetSignal, type Settled } from '../fleet.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { planRollback } from './plan-rollback.js';
import { validateVersion } from '../../versions/version-rules.js';
import { validateProbeOptions } from '../probe/probe-options.js';
import { executeRollback, type RollbackOptions, type RollbackResult } from './rollback.js';

export interface FleetRollbackOptions extends RollbackOptions {
  /** How many targets are worked on at once. @defaultValue 4 */
  parallel?: number | undefined;
}

/**
 * Rolls back one app on every target. Every target is read and planned first: if any cannot be
 * read, or would be left without an older running version, nothing is changed anywhere.
 */
export function fleetRollback(
  clients: readonly ManagerClient[],
  fleetOptions: FleetRollbackOptions,
): Promise<{ path: string; targets: RollbackResult[] }> {
  return withFleetSignal(fleetOptions.signal, ({ signal }) =>
    rollbackEverywhere(clients, { ...fleetOptions, signal }),
  );
}

async function rollbackEverywhere(
  clients: readonly ManagerClient[],
  fleetOptions: FleetRollbackOptions,
): Promise<{ path: string; targets: RollbackResult[] }> {
  const options = withDefaults(fleetOptions, { parallel: DEFAULT_PARALLEL });
  const { parallel } = options;
  const path = validateContextPath(options.path);
  if (options.to !== undefined && options.to !== '') validateVersion(options.to);
  if (options.probe !== undefined) validateProbeOptions(options.probe);
  const planned = await mapLimited(clients, parallel, async (client) => ({
    client,
    plan: planRollback(describeApp(await client.list({ signal: options.signal }), path), options),
  }));
  const plans = planned.flatMap((result) => (result.ok ? [result.value] : []));
  const refused = firstFailure(planned);
  if (refused !== undefined) {
    throw new FleetOperationError(
      refused.error,
      `Target ${refused.item.name}: ${refused.error.message} Nothing was changed on any target.`,
      reportsOf(planned, (result) => result.item.name, 'not-started'),
    );
  }
  const settled = await mapLimited(plans, parallel, ({ client, plan }) =>
    withAppLock(client.managerUrl, path, () => executeRollback(client, plan, options)),
  );
  const failed = firstFailure(settled);
  if (failed !== undefined) {
    throw new FleetOperationError(
      failed.error,
      `Rollback of ${path} failed on ${failed.item.client.name}: ${failed.error.message}`,
      reportsOf(settled, (result) => result.item.client.name, 'done'),
      'Targets report separately: check status, then roll back the failed ones again.',
    );
  }
  return { path, targets: settled.flatMap((result) => (result.ok ? [result.value] : [])) };
}

/** Each target's report; `succeeded` is what a fulfilled step means at this stage. */
function reportsOf<I, T>(
  settled: readonly Settled<I, T>[],
  target: (result: Settled<I, T>) => string,
  succeeded: 'done' | 'not-started',
): FleetTargetReport[] {
  return settled.map((result) =>
    result.ok
      ? { target: target(result), outcome: succeeded }
      : { target: target(result), outcome: 'failed', error: result.error },
  );
}
