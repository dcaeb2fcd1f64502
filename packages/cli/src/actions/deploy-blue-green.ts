import {
  blueGreenDeploySpec,
  fleetRunContextOf,
  runBlueGreenDeploy,
  type FleetDeploySpec,
} from '@tomcat-pd/core/internal';
import type { CliContext } from '../context.js';
import type { ChangeDone } from '../events/change-event.js';
import type { BlueGreenChoice } from '../flags/blue-green-flags.js';
import { blueGreenDeployDocument, renderBlueGreenDeploy, renderBlueGreenStep } from '../render/blue-green.js';

/**
 * `tomcat-pd deploy <war> --blue-green`: the release on the idle colour behind the config's
 * balancers, then the switch; each step on stderr as it starts and ends (no upload bars: which
 * targets upload is known only once the colours are read). Without balancers in the config it
 * is a usage error before anything is read.
 */
export async function runDeployBlueGreen(
  context: CliContext,
  deploy: FleetDeploySpec,
  choice: BlueGreenChoice,
): Promise<ChangeDone> {
  const balancers = await context.balancers();
  const spec = blueGreenDeploySpec(deploy, {
    balancers,
    clients: await context.clients(),
    waitDrain: choice.waitDrain,
    maxDrainMs: choice.maxDrainMs,
    onStep: (step) => context.output.info(renderBlueGreenStep(step)),
  });
  const report = await runBlueGreenDeploy(spec, {
    ...fleetRunContextOf({
      parallel: context.parallel,
      signal: context.signal,
      logger: context.output.logger,
    }),
    onProgress(event) {
      // The upload is done; Tomcat now unpacks and starts the context, which can take a while.
      if (event.phase !== 'uploading')
        context.output.info(`waiting for Tomcat to start ${event.displayName} on ${event.target}`);
    },
  });
  context.output.result(blueGreenDeployDocument(report), () => renderBlueGreenDeploy(report));
  return { version: report.deploy.version };
}
