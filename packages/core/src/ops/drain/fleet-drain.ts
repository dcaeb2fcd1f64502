import {
  drainLoopContextOf,
  parseDrainLoopOptions,
  runDrainPeriodically,
  type DrainLoopContext,
  type DrainLoopOptions,
  type DrainLoopSpec,
} from './drain-loop.js';
import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import { withFleetSignal } from '../fleet.js';
import type { ManagerClient } from '../../manager/manager-client.js';

/**
 * Drains every target every `intervalMs`, one loop per target, all at once, until
 * `options.signal` aborts; then it resolves. `onCycle` hears every cycle of every target
 * (`cycle.target` tells which). A loop that ends with an error every later cycle would meet
 * again (401, 403: repeated, a 401 gets the user locked out) stops the other loops too, and
 * that first error is thrown once they have ended: the same credentials or roles are usually
 * wrong on every target. A cycle that merely fails (a target restarting) does not stop anything.
 *
 * @example
 * const controller = new AbortController();
 * process.once('SIGTERM', () => controller.abort());
 * await fleetDrainPeriodically([web1, web2], {
 *   intervalMs: 60_000,
 *   signal: controller.signal,
 *   onCycle: (cycle) => console.log(cycle.target, cycle.report?.undeployed ?? cycle.error?.message),
 * });
 */
export async function fleetDrainPeriodically(
  clients: readonly ManagerClient[],
  options: DrainLoopOptions,
): Promise<void> {
  return runFleetDrainPeriodically(clients, parseDrainLoopOptions(options), drainLoopContextOf(options));
}

/** {@link fleetDrainPeriodically} with its options checked. */
export async function runFleetDrainPeriodically(
  clients: readonly ManagerClient[],
  spec: DrainLoopSpec,
  context: DrainLoopContext,
): Promise<void> {
  let fatal: TomcatPdError | undefined;
  await withFleetSignal(context.signal, (everyLoop) =>
    Promise.all(
      clients.map(async (client) => {
        try {
          await runDrainPeriodically(client, spec, { ...context, signal: everyLoop.signal });
        } catch (error) {
          const failure = toTomcatPdError(error);
          fatal ??= failure;
          if (clients.length > 1 && !everyLoop.signal.aborted) {
            context.logger.info?.(`${client.name}: ${failure.message} Stopping the other targets.`);
          }
          everyLoop.abort();
        }
      }),
    ),
  );
  if (fatal !== undefined) throw fatal;
}
