import {
  onEachTarget,
  undeployVersion,
  UsageError,
  validateContextPath,
  validateVersion,
  type ProbeOptions,
} from '@tomcat-pd/core';
import { requirePath, type CommandLine } from '../command-line.js';
import { parseProbeFlags, type ProbeFlags } from '../probe-flags.js';
import type { CliContext } from '../context.js';
import { renderUndeploy, undeployDocument } from '../render/undeploy.js';
import { reportOutcomes } from '../target-outcomes.js';
import { throwIfUnhealthy } from '../unhealthy.js';

interface UndeployCliOptions extends ProbeFlags {
  path?: string;
  /** Required by commander (`requiredOption`). */
  version?: string;
  force?: boolean;
  checkLeaks?: boolean;
}

interface UndeployInput {
  path: string;
  version: string;
  force: boolean;
  probe: ProbeOptions | undefined;
  checkLeaks: boolean;
}

/** Checked once before any request, so that a bad input is one usage error, not one per target. */
export function parse({ options, defaults }: CommandLine<UndeployCliOptions>): UndeployInput {
  const { version } = options;
  if (version === undefined) throw new UsageError('--version is required.');
  const path = validateContextPath(requirePath(options.path, defaults));
  if (version !== '') validateVersion(version);
  const { probe } = parseProbeFlags(options, {}, { smoke: false });
  return { path, version, force: options.force ?? false, probe, checkLeaks: options.checkLeaks === true };
}

/**
 * `tomcat-pd undeploy --path P --version V [--force] [--check-leaks]` on every selected target, each on its
 * own: the targets that answered are reported, then the first failed one decides the exit code.
 */
export async function run(
  context: CliContext,
  { path, version, force, probe, checkLeaks }: UndeployInput,
): Promise<void> {
  const clients = await context.clients();
  const outcomes = await onEachTarget(
    clients,
    (client, signal) =>
      undeployVersion(client, {
        path,
        version,
        force,
        probe,
        checkLeaks,
        signal,
        logger: context.output.logger,
      }),
    { parallel: context.parallel, signal: context.signal },
  );
  const results = reportOutcomes(context, outcomes, {
    document: (values, errors) => undeployDocument(path, version, values, errors),
    render: renderUndeploy,
  });
  throwIfUnhealthy(
    results.flatMap((result) => result.probes),
    'undeploy',
  );
}
