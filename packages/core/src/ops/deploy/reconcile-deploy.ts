import { describeApp } from '../app-status.js';
import { withDefaults } from '../../common/defaults.js';
import { sleep } from '../../common/sleep.js';
import { ConnectionError } from '../../errors/error-classes.js';
import { TomcatFailError } from '../../manager/parse/tomcat-fail.js';
import { isTomcatPdError, type TomcatPdError } from '../../errors/tomcat-pd-error.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { Logger } from '../../common/logger.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { DeployPlan } from './plan-deploy.js';

/** How long reconciling waits for a deploy that Tomcat may still be working on. */
export interface SettleOptions {
  /** While Tomcat is still starting the version (listed stopped, undeploy refused). @defaultValue 60 000 */
  startingMs?: number | undefined;
  /** For the version to appear when the whole WAR was sent before the connection broke. @defaultValue 5 000 */
  appearMs?: number | undefined;
  /** Between two reads of `list`. @defaultValue 250 */
  intervalMs?: number | undefined;
}

const SETTLE_DEFAULTS = { startingMs: 60_000, appearMs: 5_000, intervalMs: 250 } satisfies SettleOptions;

/** What happened to a stopped version of ours: removed (the error to throw), or Tomcat is still on it. */
const STILL_DEPLOYING = Symbol('still deploying');

/**
 * After a deploy failed, reads the server's state and leaves nothing half-deployed. Returns
 * the error to throw, its hint saying what state the server is in now.
 *
 * Tomcat keeps a context that failed to start (`FAIL - Deployed application at context path
 * [/app##004] but context failed to start`, listed as `/app:stopped:0:app##004.war`), so a
 * stopped version of ours is undeployed. A cut upload leaves nothing on Tomcat 10.1
 * (docs/tomcat-manager.md#cut-upload), but only `list` can tell. A version that started despite a
 * failed exchange is kept and reported.
 *
 * When the connection broke after the whole WAR was sent, Tomcat may still be deploying it: the
 * version is not listed yet, or listed `stopped` while it starts, and an undeploy then answers
 * `FAIL - Context [/app##004] is defined in server.xml and may not be undeployed` (HostConfig has
 * not recorded it as deployed yet) or `... is already being serviced`
 * (docs/tomcat-manager.md#deploy-still-in-progress). So for `appearMs` this only looks again, then
 * it undeploys a version still stopped, waiting (bounded) while Tomcat refuses.
 */
export async function reconcileFailedDeploy(
  client: ManagerClient,
  plan: DeployPlan,
  error: unknown,
  logger: Logger,
  settle: SettleOptions = {},
): Promise<TomcatPdError> {
  const failure = toTomcatPdError(error);
  if (failure instanceof TomcatFailError && (failure.kind === 'already-exists' || failure.kind === 'busy')) {
    // Another deploy owns that name right now: its context is not ours to remove.
    return failure.withNote(`Another deploy of ${plan.displayName} is under way or has just finished.`);
  }
  const { startingMs, appearMs, intervalMs } = withDefaults(settle, SETTLE_DEFAULTS);
  const started = Date.now();
  const sentInFull = failure instanceof ConnectionError && failure.afterFullUpload;
  const log = onceEach(logger);
  for (;;) {
    const elapsed = Date.now() - started;
    const outcome = await reconcileOnce(client, plan, failure, log, sentInFull && elapsed < appearMs);
    if (outcome !== STILL_DEPLOYING) return outcome;
    if (elapsed >= startingMs) return stillDeploying(failure, plan, elapsed);
    log.info?.(`${client.name}: Tomcat may still be deploying ${plan.displayName}; waiting`);
    // Not with the caller's signal: an abort must not leave a half-deployed version behind.
    await sleep(intervalMs);
  }
}

/** The logger's info, each line only once: the rounds of waiting repeat themselves (only info is used here). */
function onceEach(logger: Logger): Logger {
  const said = new Set<string>();
  return {
    info(message) {
      if (said.has(message)) return;
      said.add(message);
      logger.info?.(message);
    },
  };
}

/** One look at `list`: the error to throw, or {@link STILL_DEPLOYING} to look again a little later. */
async function reconcileOnce(
  client: ManagerClient,
  plan: DeployPlan,
  failure: TomcatPdError,
  logger: Logger,
  mayStillBeDeploying: boolean,
): Promise<TomcatPdError | typeof STILL_DEPLOYING> {
  let app;
  try {
    app = describeApp(await client.list(), plan.path);
  } catch (listError) {
    const reason = isTomcatPdError(listError) ? listError.message : String(listError);
    return failure.withNote(`The server's state is unknown: reading it failed too (${reason}).`);
  }
  const entry = app.versions.find((version) => version.version === plan.version);
  const fallback = `${app.live === undefined ? 'No version' : `Version ${app.live}`} of ${plan.path} is live.`;
  if (entry === undefined) {
    if (mayStillBeDeploying) return STILL_DEPLOYING;
    return failure.withNote(`Nothing of ${plan.displayName} was left on the server. ${fallback}`);
  }
  if (entry.state === 'running') {
    return failure.withNote(
      `Tomcat did deploy and start ${plan.displayName}; it was left running. ` +
        `${app.live === plan.version ? 'It is live.' : fallback}`,
    );
  }
  // Listed stopped while Tomcat may still be starting it: an undeploy now could meet the end of
  // the start (the name no longer serviced) and remove a version that was about to run.
  if (mayStillBeDeploying) return STILL_DEPLOYING;
  return removeDebris(client, plan, failure, logger);
}

async function removeDebris(
  client: ManagerClient,
  plan: DeployPlan,
  failure: TomcatPdError,
  logger: Logger,
): Promise<TomcatPdError | typeof STILL_DEPLOYING> {
  logger.info?.(`${client.name}: undeploying ${plan.displayName}, which Tomcat left stopped`);
  try {
    await client.undeploy({ path: plan.path, version: plan.version });
  } catch (undeployError) {
    if (isStillDeploying(undeployError)) return STILL_DEPLOYING;
    const reason = isTomcatPdError(undeployError) ? undeployError.message : String(undeployError);
    return failure.withNote(
      `${plan.displayName} was left stopped and could not be undeployed (${reason}); ` +
        `undeploy it by hand.`,
    );
  }
  // With update, the version replaced was this very version: it is gone, it does not keep serving.
  const previous =
    plan.previousLive === undefined || plan.previousLive === plan.version
      ? ''
      : ` Version ${plan.previousLive} keeps serving.`;
  return failure.withNote(`The stopped context ${plan.displayName} was undeployed.${previous}`);
}

/**
 * Tomcat's answers to an undeploy of a context it is still deploying: the name is "serviced",
 * HostConfig has not recorded it as deployed yet (`not-deployed`: Tomcat's
 * `managerServlet.notDeployed` text), or it is gone from the host again (re-read `list` to see
 * what became of it).
 */
function isStillDeploying(error: unknown): boolean {
  if (!(error instanceof TomcatFailError)) return false;
  return error.kind === 'busy' || error.kind === 'no-context' || error.kind === 'not-deployed';
}

function stillDeploying(failure: TomcatPdError, plan: DeployPlan, elapsedMs: number): TomcatPdError {
  return failure.withNote(
    `Tomcat was still deploying ${plan.displayName} ${Math.round(elapsedMs / 1000)} s after the ` +
      `connection broke (listed stopped; it may yet start and become live). Check it with status, ` +
      `and undeploy it if it does not start.`,
  );
}
