import { UnsafeOperationError } from '../../errors/error-classes.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { readWarIdentity, type WarIdentity } from '../../war/war-identity.js';
import { parseDeployOptions } from '../deploy/deploy-options.js';
import {
  resumeFleetDeploy,
  type FleetDeployContext,
  type FleetDeployResult,
} from '../deploy/fleet-deploy.js';
import { pausedTargets } from './paused-targets.js';
import type { RolloutRecord } from './rollout-record.js';

/** What a promote goes on with: the paused rollout taken over, and the WAR brought for it. */
export interface PromoteSpec {
  readonly record: RolloutRecord;
  readonly warFile: string;
}

/**
 * Goes on with a paused rollout from the step after the pause, on the targets still to come,
 * with the same version, probes and analysis; further pauses pause it again (the result's
 * `paused`). The WAR must be the one the first steps got, by size and SHA-256. All or nothing
 * with the targets before the pause: a failure undoes the version on them too.
 * @throws UsageError when `clients` are not the rollout's targets; UnsafeOperationError
 * (`same-war`) for another WAR, nothing changed.
 */
export async function promoteRollout(
  clients: readonly ManagerClient[],
  { record, warFile }: PromoteSpec,
  context: FleetDeployContext,
): Promise<FleetDeployResult> {
  const { earlier, remaining } = pausedTargets(clients, record);
  requireSameWar(warFile, await readWarIdentity(warFile), record);
  const deploy = parseDeployOptions({
    path: record.path,
    warFile,
    version: record.version,
    tag: record.tag,
    probe: record.probe,
    analysis: record.analysis,
    // Checked when the rollout started, and this is the same WAR.
    skipCheck: true,
  });
  return resumeFleetDeploy(
    { deploy, earlier, remaining, afterStep: record.afterStep, steps: record.steps, war: record.war },
    context,
  );
}

function requireSameWar(warFile: string, brought: WarIdentity, record: RolloutRecord): void {
  if (brought.size === record.war.size && brought.sha256 === record.war.sha256) return;
  throw new UnsafeOperationError(
    'same-war',
    `The WAR ${warFile} is not the one the paused rollout of ${record.path} version ${record.version} deployed: ` +
      `its SHA-256 begins ${brought.sha256.slice(0, 12)} (${brought.size} bytes), the rollout's ${record.war.sha256.slice(0, 12)} ` +
      `(${record.war.size} bytes). Nothing was changed.`,
    {
      hint: 'Promote with the WAR the deploy was given, or abort the paused rollout and deploy the new WAR.',
    },
  );
}
