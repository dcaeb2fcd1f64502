import { withDefaults } from '../../common/defaults.js';
import { drainPeriodically, type DrainLoopOptions } from './drain-loop.js';
import { toTomcatPdError, type TomcatPdError } from '../../errors/errors.js';
import { silentLogger } from '../../common/logger.js';
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
  loopOptions: DrainLoopOptions,
): Promise<void> {
  const options = withDefaults(loopOptions, { logger: silentLogger });
  const { logger } = options;
  let fatal: TomcatPdError | undefined;
  await withFleetSignal(options.signal, (everyLoop) =>
    Promise.all(
      clients.map(async (client) => {
        try {
          await drainPeriodically(client, { ...options, signal: everyLoop.signal });
        } catch (error) {
          const failure = toTomcatPdError(error);
          fatal ??= failure;
          if (clients.length > 1 && !everyLoop.signal.aborted) {
            logger.info?.(`${client.name}: ${failure.message} Stopping the other targets.`);
          }
          everyLoop.abort();
        }
      }),
    ),
  );
  if (fatal !== undefined) throw fatal;
}
