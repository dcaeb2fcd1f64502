import { withAppLock } from './app-lock.js';
import { describeApp } from './app-status.js';
import { validateContextPath } from './context-name.js';
import {
  FleetOperationError,
  asTomcatPdError,
  describeTargetError,
  type FleetTargetReport,
} from './errors.js';
import { DEFAULT_PARALLEL, mapLimited } from './fleet.js';
import type { ManagerClient } from './manager-client.js';
import { planRollback, type RollbackPlan } from './plan-rollback.js';
import { validateVersion } from './version-rules.js';
import { executeRollback, type RollbackOptions, type RollbackResult } from './rollback.js';

export interface FleetRollbackOptions extends RollbackOptions {
  /** How many targets are worked on at once (default 4). */
  parallel?: number;
}

/**
 * Rolls back one app on every target. Every target is read and planned first: if any cannot be
 * read, or would be left without an older running version, nothing is changed anywhere.
 */
export async function fleetRollback(
  clients: readonly ManagerClient[],
  options: FleetRollbackOptions,
): Promise<{ path: string; targets: RollbackResult[] }> {
  const path = validateContextPath(options.path);
  if (options.to !== undefined && options.to !== '') validateVersion(options.to);
  const parallel = options.parallel ?? DEFAULT_PARALLEL;
  const planned = await mapLimited(clients, parallel, async (client) =>
    planRollback(describeApp(await client.list({ signal: options.signal }), path), options),
  );
  const refused = planned.findIndex((result) => result.status === 'rejected');
  if (refused >= 0) {
    const first = asTomcatPdError((planned[refused] as PromiseRejectedResult).reason);
    throw new FleetOperationError(
      first,
      `Target ${clients[refused]!.name}: ${first.message} Nothing was changed on any target.`,
      reportsOf(clients, planned, 'not-started'),
    );
  }
  const plans = planned.map((result) => (result as PromiseFulfilledResult<RollbackPlan>).value);
  const settled = await mapLimited(clients, parallel, (client, index) =>
    withAppLock(client.managerUrl, path, () => executeRollback(client, plans[index]!, options)),
  );
  const failed = settled.findIndex((result) => result.status === 'rejected');
  if (failed >= 0) {
    const first = asTomcatPdError((settled[failed] as PromiseRejectedResult).reason);
    throw new FleetOperationError(
      first,
      `Rollback of ${path} failed on ${clients[failed]!.name}: ${first.message}`,
      reportsOf(clients, settled, 'done'),
      'Targets report separately: check status, then roll back the failed ones again.',
    );
  }
  return { path, targets: settled.map((result) => (result as PromiseFulfilledResult<RollbackResult>).value) };
}

/** Each target's report; `succeeded` is what a fulfilled step means at this stage. */
function reportsOf(
  clients: readonly ManagerClient[],
  settled: PromiseSettledResult<unknown>[],
  succeeded: 'done' | 'not-started',
): FleetTargetReport[] {
  return settled.map((result, index) =>
    result.status === 'fulfilled'
      ? { target: clients[index]!.name, outcome: succeeded }
      : {
          target: clients[index]!.name,
          outcome: 'failed',
          error: describeTargetError(asTomcatPdError(result.reason)),
        },
  );
}
