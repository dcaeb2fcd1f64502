import { onEachTarget } from '@tomcat-pd/core';
import { parseUndeployOptions, runContextOf, runUndeploy, type UndeploySpec } from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine } from '../command-line.js';
import type { UndeployFlags } from '../commands/undeploy.js';
import type { CliContext } from '../context.js';
import type { ChangeStart } from '../events/change-event.js';
import { probeOptionsOf } from '../flags/probe-flags.js';
import { renderUndeploy, undeployDocument } from '../render/undeploy.js';
import { reportOutcomes } from '../target-outcomes.js';
import { throwIfUnhealthy } from '../unhealthy.js';
import { appLock } from '../lock/lock-requests.js';
import type { LockRequest } from '../command-line.js';

/** Checked once before any request, so that a bad input is one usage error, not one per target. */
export function parse({ flags, defaults }: CommandLine<UndeployFlags>): UndeploySpec {
  return parseUndeployOptions({
    path: requirePath(flags.path, defaults),
    version: flags.version,
    force: flags.force,
    probe: probeOptionsOf(flags, {}, { smoke: false }).probe,
    checkLeaks: flags.checkLeaks,
  });
}

export function change(spec: UndeploySpec): ChangeStart {
  return { event: 'undeploy', app: spec.path, version: spec.version };
}

/** An undeploy holds the app's lock on every selected target. */
export function lock(spec: UndeploySpec): LockRequest {
  return appLock('undeploy', spec.path);
}

/**
 * `tomcat-pd undeploy --path P --version V [--force] [--check-leaks]` on every selected target, each
 * on its own: the targets that answered are reported, then the first failed one decides the exit code.
 */
export async function run(context: CliContext, spec: UndeploySpec): Promise<void> {
  const clients = await context.clients();
  const outcomes = await onEachTarget(
    clients,
    (client, signal) => runUndeploy(client, spec, runContextOf({ signal, logger: context.output.logger })),
    { parallel: context.parallel, signal: context.signal },
  );
  const results = reportOutcomes(context, outcomes, {
    document: (values, errors) => undeployDocument(spec.path, spec.version, values, errors),
    render: renderUndeploy,
  });
  throwIfUnhealthy(
    results.flatMap((result) => result.probes),
    'undeploy',
  );
}
