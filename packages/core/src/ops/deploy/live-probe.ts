import { ErrorCode, ProbeError, TomcatPdError, toTomcatPdError } from '../../errors/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { allHealthy, describeFailedProbe, probeApp } from '../probe/probe-app.js';
import type { ProbeOptions, ProbeResult } from '../probe/probe-options.js';
import type { DeployPlan } from './plan-deploy.js';
import { undoVersion } from './undo-version.js';

/**
 * Probes a version that has just gone live. When it does not answer healthy (or the caller aborts
 * meanwhile) it is undeployed at once, so that the previous live version takes new visitors again,
 * and a `ProbeError` says what it answered, how long it was live and what is live now. The caller
 * holds the app lock.
 */
export async function proveLive(
  client: ManagerClient,
  plan: DeployPlan,
  options: { probe: ProbeOptions; liveSince: number; signal?: AbortSignal | undefined; logger: Logger },
): Promise<ProbeResult[]> {
  let probes: ProbeResult[];
  try {
    probes = await probeApp(client, {
      path: plan.path,
      probe: options.probe,
      phase: 'live',
      version: plan.version,
      signal: options.signal,
      logger: options.logger,
    });
  } catch (error) {
    const failure = toTomcatPdError(error);
    if (failure.code !== ErrorCode.aborted) throw failure;
    const undone = await undoVersion(client, plan, options.logger, 'the probe was aborted');
    throw new TomcatPdError(
      ErrorCode.aborted,
      `The probe of the new version ${plan.displayName} was aborted. ${undone}`,
      { cause: failure },
    );
  }
  if (allHealthy(probes)) return probes;
  const liveFor = ((Date.now() - options.liveSince) / 1000).toFixed(1);
  const what = `${describeFailedProbe(probes)} (it was live for ${liveFor} s)`;
  throw new ProbeError(
    `The new version ${plan.displayName} did not answer healthy: ${what}. ` +
      (await undoVersion(client, plan, options.logger, 'it did not answer healthy')),
    probes,
  );
}
