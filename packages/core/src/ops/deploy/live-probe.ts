import type { RunContext } from '../run-context.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { AbortedError, ProbeError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { allHealthy, describeFailedProbe, runProbes } from '../probe/probe-app.js';
import type { ProbeResult, ProbeSpec } from '../probe/probe-options.js';
import type { DeployPlan } from './plan-deploy.js';
import { undoVersion } from './undo-version.js';

/**
 * Probes a version that has just gone live (at `liveSince`, epoch ms). When it does not answer
 * healthy (or the caller aborts meanwhile) it is undeployed at once, so that the previous live
 * version takes new visitors again, and a `ProbeError` says what it answered, how long it was live
 * and what is live now. The caller holds the app lock.
 */
export async function proveLive(
  client: ManagerClient,
  plan: DeployPlan,
  probe: ProbeSpec,
  liveSince: number,
  context: RunContext,
): Promise<ProbeResult[]> {
  let probes: ProbeResult[];
  try {
    probes = await runProbes(
      client,
      { path: plan.path, phase: 'live', version: plan.version },
      probe,
      context,
    );
  } catch (error) {
    const failure = toTomcatPdError(error);
    if (failure.code !== ErrorCode.aborted) throw failure;
    const undone = await undoVersion(client, plan, context.logger, 'the probe was aborted');
    throw new AbortedError(`The probe of the new version ${plan.displayName} was aborted. ${undone}`, {
      cause: failure,
    });
  }
  if (allHealthy(probes)) return probes;
  const liveFor = ((Date.now() - liveSince) / 1000).toFixed(1);
  const what = `${describeFailedProbe(probes)} (it was live for ${liveFor} s)`;
  throw new ProbeError(
    `The new version ${plan.displayName} did not answer healthy: ${what}. ` +
      (await undoVersion(client, plan, context.logger, 'it did not answer healthy')),
    probes,
  );
}
