import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { fleetRunContextOf, type FleetRunContext } from '../run-context.js';
import { FleetOperationError } from '../../errors/error-classes.js';
import { firstFailure, fleetReports, mapLimited, withFleetSignal } from '../fleet.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { planRollback } from './plan-rollback.js';
import { executeRollback, type RollbackResult } from './rollback.js';
import { parseRollbackOptions, type FleetRollbackOptions, type RollbackSpec } from './rollback-options.js';

export interface FleetRollbackResult {
  path: string;
  /** One result per target, in the targets' order. */
  targets: RollbackResult[];
}

/**
 * Rolls back one app on every target. Every target is read and planned first: if any cannot be
 * read, or would be left without an older running version, nothing is changed anywhere.
 */
export async function fleetRollback(
  clients: readonly ManagerClient[],
  options: FleetRollbackOptions,
): Promise<FleetRollbackResult> {
  return runFleetRollback(clients, parseRollbackOptions(options), fleetRunContextOf(options));
}

/** {@link fleetRollback} with its options checked. */
export function runFleetRollback(
  clients: readonly ManagerClient[],
  spec: RollbackSpec,
  context: FleetRunContext,
): Promise<FleetRollbackResult> {
  return withFleetSignal(context.signal, ({ signal }) =>
    rollbackEverywhere(clients, spec, { ...context, signal }),
  );
}

async function rollbackEverywhere(
  clients: readonly ManagerClient[],
  spec: RollbackSpec,
  context: FleetRunContext,
): Promise<FleetRollbackResult> {
  const { path } = spec;
  const planned = await mapLimited(clients, context.parallel, async (client) => ({
    client,
    plan: planRollback(describeApp(await client.list({ signal: context.signal }), path), spec.plan),
  }));
  const plans = planned.flatMap((result) => (result.ok ? [result.value] : []));
  const refused = firstFailure(planned);
  if (refused !== undefined) {
    throw new FleetOperationError(
      refused.error,
      `Target ${refused.item.name}: ${refused.error.message} Nothing was changed on any target.`,
      fleetReports(planned, (client) => client.name, 'not-started'),
    );
  }
  const settled = await mapLimited(plans, context.parallel, ({ client, plan }) =>
    withAppLock(client.managerUrl, path, () => executeRollback(client, plan, spec, context)),
  );
  const failed = firstFailure(settled);
  if (failed !== undefined) {
    throw new FleetOperationError(
      failed.error,
      `Rollback of ${path} failed on ${failed.item.client.name}: ${failed.error.message}`,
      fleetReports(settled, ({ client }) => client.name, 'done'),
      'Targets report separately: check status, then roll back the failed ones again.',
    );
  }
  return { path, targets: settled.flatMap((result) => (result.ok ? [result.value] : [])) };
}
