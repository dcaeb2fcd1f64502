import type { FleetDeployResult, ManagerClient } from '@tomcat-pd/core';
import { fleetRunContextOf, type FleetDeployContext } from '@tomcat-pd/core/internal';
import type { CliContext } from '../context.js';
import { createFleetProgress } from '../progress-bar.js';

/**
 * Runs a fleet deploy (a deploy, or a promote going on with one) with a progress bar per target
 * on stderr: the context it gets sends its uploads' progress there.
 */
export async function withDeployProgress(
  context: CliContext,
  clients: readonly ManagerClient[],
  deploy: (running: FleetDeployContext) => Promise<FleetDeployResult>,
): Promise<FleetDeployResult> {
  const progress = await createFleetProgress(
    context.output,
    clients.map((client) => client.name),
  );
  try {
    return await deploy({
      ...fleetRunContextOf({
        parallel: context.parallel,
        signal: context.signal,
        logger: progress.logger(context.output.logger),
      }),
      onProgress(event) {
        if (event.phase === 'uploading') progress.update(event.target, event);
        // The upload is done; Tomcat now unpacks and starts the context, which can take a while.
        else progress.starting(event.target, event.displayName);
      },
    });
  } finally {
    // Also on an error, so that the message is not written over half-drawn bars.
    progress.stop();
  }
}
