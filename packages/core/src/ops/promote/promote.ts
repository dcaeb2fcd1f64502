import { UnsafeOperationError } from '../../errors/error-classes.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { readWarIdentity, type WarIdentity } from '../../war/war-identity.js';
import { parseDeployOptions } from '../deploy/deploy-options.js';
import { planResume, type ResumePlan } from '../deploy/fleet-deploy.js';
import type { FleetRunContext } from '../run-context.js';
import { pausedTargets } from './paused-targets.js';
import type { RolloutRecord } from './rollout-record.js';

/** What a promote goes on with: the paused rollout taken over, and the WAR brought for it. */
export interface PromoteSpec {
  readonly record: RolloutRecord;
  readonly warFile: string;
}

/**
 * Checks a promote before anything changes (then `runResume` goes on with the plan): `clients` must be the rollout's targets, the WAR
 * the one the first steps got (by size and SHA-256), and the remaining targets must take the
 * version (read and planned). A failure here leaves the rollout paused as it was.
 * @throws UsageError when `clients` are not the rollout's targets; UnsafeOperationError
 * (`same-war`) for another WAR; what the reads and the plan throw.
 */
export async function preparePromote(
  clients: readonly ManagerClient[],
  { record, warFile }: PromoteSpec,
  context: FleetRunContext,
): Promise<ResumePlan> {
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
  return planResume(
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
