import { describeApp } from './app-status.js';
import { TomcatFailError, asTomcatPdError, isTomcatPdError, type TomcatPdError } from './errors.js';
import type { Logger } from './logger.js';
import type { ManagerClient } from './manager-client.js';
import type { DeployPlan } from './plan-deploy.js';

/**
 * After a deploy failed, reads the server's state and leaves nothing half-deployed. Returns
 * the error to throw, its hint saying what state the server is in now.
 *
 * Tomcat keeps a context that failed to start (`FAIL - Deployed application at context path
 * [/app##004] but context failed to start`, listed as `/app:stopped:0:app##004.war`), so a
 * stopped version of ours is undeployed. A cut upload leaves nothing on Tomcat 10.1 (TOMCAT.md),
 * but only `list` can tell. A version that started despite a failed exchange is kept and reported.
 */
export async function reconcileFailedDeploy(
  client: ManagerClient,
  plan: DeployPlan,
  error: unknown,
  logger: Logger,
): Promise<TomcatPdError> {
  const failure = asTomcatPdError(error);
  if (failure instanceof TomcatFailError && (failure.kind === 'already-exists' || failure.kind === 'busy')) {
    // Another deploy owns that name right now: its context is not ours to remove.
    return failure.prependHint(`Another deploy of ${plan.displayName} is under way or has just finished.`);
  }
  let app;
  try {
    app = describeApp(await client.list(), plan.path);
  } catch (listError) {
    const reason = isTomcatPdError(listError) ? listError.message : String(listError);
    return failure.prependHint(`The server's state is unknown: reading it failed too (${reason}).`);
  }
  const entry = app.versions.find((version) => version.version === plan.version);
  const fallback = `${app.live === undefined ? 'No version' : `Version ${app.live}`} of ${plan.path} is live.`;
  if (entry === undefined) {
    return failure.prependHint(`Nothing of ${plan.displayName} was left on the server. ${fallback}`);
  }
  if (entry.state === 'running') {
    return failure.prependHint(
      `Tomcat did deploy and start ${plan.displayName}; it was left running. ` +
        `${app.live === plan.version ? 'It is live.' : fallback}`,
    );
  }
  return removeDebris(client, plan, failure, logger);
}

async function removeDebris(
  client: ManagerClient,
  plan: DeployPlan,
  failure: TomcatPdError,
  logger: Logger,
): Promise<TomcatPdError> {
  logger.info?.(`${client.name}: undeploying ${plan.displayName}, which Tomcat left stopped`);
  try {
    await client.undeploy({ path: plan.path, version: plan.version });
  } catch (undeployError) {
    const reason = isTomcatPdError(undeployError) ? undeployError.message : String(undeployError);
    return failure.prependHint(
      `${plan.displayName} was left stopped and could not be undeployed (${reason}); ` +
        `undeploy it by hand.`,
    );
  }
  const previous = plan.previousLive === undefined ? '' : ` Version ${plan.previousLive} keeps serving.`;
  return failure.prependHint(`The stopped context ${plan.displayName} was undeployed.${previous}`);
}
