import {
  fleetRunContextOf,
  parseRollbackOptions,
  runFleetRollback,
  type RollbackSpec,
} from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine } from '../command-line.js';
import type { RollbackFlags } from '../commands/rollback.js';
import type { CliContext } from '../context.js';
import { probeOptionsOf } from '../flags/probe-flags.js';
import { renderRollback, rollbackDocument } from '../render/rollback.js';
import { throwIfUnhealthy } from '../unhealthy.js';

export function parse({ flags, defaults }: CommandLine<RollbackFlags>): RollbackSpec {
  return parseRollbackOptions({
    path: requirePath(flags.path, defaults),
    to: flags.to,
    stop: flags.stop,
    // The config's defaults.probe is for deploys; after a rollback only --probe asks for one.
    probe: probeOptionsOf(flags, {}, { smoke: false }).probe,
    checkLeaks: flags.checkLeaks,
  });
}

/**
 * `tomcat-pd rollback --path P [--to V] [--stop] [--check-leaks]` on every selected target. If any
 * target would be left without an older running version, the core refuses and nothing changes anywhere.
 */
export async function run(context: CliContext, spec: RollbackSpec): Promise<void> {
  const result = await runFleetRollback(
    await context.clients(),
    spec,
    fleetRunContextOf({ parallel: context.parallel, signal: context.signal, logger: context.output.logger }),
  );
  context.output.result(rollbackDocument(result), () => renderRollback(result.targets));
  // After the result, on stderr: with --stop the warning is the part a person must act on.
  // Once each: with --stop, targets that stopped the same versions give the same warning.
  for (const warning of new Set(result.targets.flatMap((target) => target.warnings))) {
    context.output.warn(warning);
  }
  throwIfUnhealthy(
    result.targets.flatMap((target) => target.probes),
    'rollback',
  );
}
