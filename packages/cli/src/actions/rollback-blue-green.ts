import {
  fleetRunContextOf,
  parseBlueGreenRollbackOptions,
  runBlueGreenRollback,
  type RollbackSpec,
} from '@tomcat-pd/core/internal';
import type { CliContext } from '../context.js';
import type { BlueGreenChoice } from '../flags/blue-green-flags.js';
import {
  blueGreenRollbackDocument,
  renderBlueGreenRollback,
  renderBlueGreenStep,
} from '../render/blue-green.js';

/**
 * `tomcat-pd rollback --path P --blue-green`: the other colour made ready (it must still run the
 * app and answer `--probe`, else OPTIONS at each app's root), then the live one drained; each step on
 * stderr. Without balancers in the config it is a usage error before anything is read.
 */
export async function runRollbackBlueGreen(
  context: CliContext,
  rollback: RollbackSpec,
  choice: BlueGreenChoice,
): Promise<void> {
  const balancers = await context.balancers();
  const spec = parseBlueGreenRollbackOptions({
    balancers,
    clients: await context.clients(),
    path: rollback.path,
    probes: rollback.probe?.paths,
    waitDrain: choice.waitDrain,
    maxDrainMs: choice.maxDrainMs,
    onStep: (step) => context.output.info(renderBlueGreenStep(step)),
  });
  const report = await runBlueGreenRollback(
    spec,
    fleetRunContextOf({ parallel: context.parallel, signal: context.signal, logger: context.output.logger }),
  );
  context.output.result(blueGreenRollbackDocument(spec.path, report), () =>
    renderBlueGreenRollback(spec.path, report),
  );
}
