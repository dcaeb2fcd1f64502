import { fleetRollback, validateContextPath, validateVersion, type ProbeOptions } from '@tomcat-pd/core';
import { requirePath, type CommandLine } from '../command-line.js';
import { throwIfUnhealthy } from '../unhealthy.js';
import { parseProbeFlags, type ProbeFlags } from '../probe-flags.js';
import type { CliContext } from '../context.js';
import { renderRollback, rollbackDocument } from '../render/rollback.js';

interface RollbackCliOptions extends ProbeFlags {
  path?: string;
  to?: string;
  stop?: boolean;
  checkLeaks?: boolean;
}

interface RollbackInput {
  path: string;
  to: string | undefined;
  stop: boolean;
  probe: ProbeOptions | undefined;
  checkLeaks: boolean;
}

export function parse({ options, defaults }: CommandLine<RollbackCliOptions>): RollbackInput {
  const path = validateContextPath(requirePath(options.path, defaults));
  if (options.to !== undefined && options.to !== '') validateVersion(options.to);
  // The config's defaults.probe is for deploys; after a rollback only --probe asks for one.
  const { probe } = parseProbeFlags(options, {}, { smoke: false });
  return {
    path,
    to: options.to,
    stop: options.stop ?? false,
    probe,
    checkLeaks: options.checkLeaks === true,
  };
}

/**
 * `tomcat-pd rollback --path P [--to V] [--stop] [--check-leaks]` on every selected target. If any target would
 * be left without an older running version, the core refuses and nothing changes anywhere.
 */
export async function run(context: CliContext, input: RollbackInput): Promise<void> {
  const result = await fleetRollback(await context.clients(), {
    ...input,
    parallel: context.parallel,
    signal: context.signal,
    logger: context.output.logger,
  });
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
