import type { TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { Logger } from '../../common/logger.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { describeApp } from '../app-status.js';
import type { DeployPlan } from './plan-deploy.js';

/** Undeploys the new version (never with the caller's signal) and says what is live now. */
export async function undoVersion(
  client: ManagerClient,
  plan: DeployPlan,
  logger: Logger,
  why: string,
): Promise<string> {
  logger.info?.(`${client.name}: undeploying ${plan.displayName}: ${why}`);
  let failure: TomcatPdError | undefined;
  try {
    await client.undeploy({ path: plan.path, version: plan.version });
  } catch (error) {
    failure = toTomcatPdError(error);
  }
  if (failure !== undefined) {
    return `It could not be undeployed (${failure.message}): it may still be live; roll back or undeploy it by hand.`;
  }
  try {
    const { live } = describeApp(await client.list(), plan.path);
    return live === undefined
      ? `It was undeployed; no version of ${plan.path} is deployed now.`
      : `It was undeployed; version ${live} is live again.`;
  } catch {
    return 'It was undeployed.';
  }
}
