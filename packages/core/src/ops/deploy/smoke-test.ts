import { ErrorCode, ProbeError, TomcatPdError, toTomcatPdError } from '../../errors/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { allHealthy, describeFailedProbe, probeApp } from '../probe/probe-app.js';
import type { ProbeOptions, ProbeResult } from '../probe/probe-options.js';
import { smokeContextPath } from '../smoke-path.js';

export interface SmokeTestOptions {
  /** The app's real path; the smoke test runs under a temporary path derived from it. */
  path: string;
  warFile: string;
  smoke: ProbeOptions;
  stallTimeoutMs?: number | undefined;
  startTimeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
  logger: Logger;
}

/**
 * Deploys the WAR under a private temporary context path (`/shop-smoke-4f2a`), probes it there,
 * and undeploys it again, whatever happened (an error, an abort): visitors of the real path never
 * see it. Returns the probes when all passed; throws a `ProbeError` when one failed, or the
 * deploy's own error when the WAR did not even start there.
 */
export async function smokeTest(client: ManagerClient, options: SmokeTestOptions): Promise<ProbeResult[]> {
  const { logger } = options;
  const taken = new Set((await client.list({ signal: options.signal })).map((entry) => entry.path));
  const path = smokeContextPath(options.path, taken);
  let probes: ProbeResult[];
  try {
    logger.info?.(`${client.name}: smoke test of ${options.warFile} under ${path}`);
    await client.deploy({
      path,
      version: '',
      warFile: options.warFile,
      stallTimeoutMs: options.stallTimeoutMs,
      startTimeoutMs: options.startTimeoutMs,
      signal: options.signal,
    });
    probes = await probeApp(client, {
      path,
      probe: options.smoke,
      phase: 'smoke',
      signal: options.signal,
      logger,
    });
  } catch (error) {
    const failure = toTomcatPdError(error);
    const stuck = await removeSmokeContext(client, path, logger);
    if (failure.code === ErrorCode.aborted) {
      const left = stuck ?? 'It was removed again; nothing changed for visitors.';
      throw new TomcatPdError(
        ErrorCode.aborted,
        `The smoke test of ${options.path} under ${path} was aborted. ${left}`,
        {
          cause: failure,
        },
      );
    }
    failure.prependHint(`The smoke test under ${path} did not complete; nothing changed for visitors.`);
    throw stuck === undefined ? failure : failure.prependHint(stuck);
  }
  const stuck = await removeSmokeContext(client, path, logger);
  if (!allHealthy(probes)) {
    throw new ProbeError(
      `The smoke test of ${options.path} failed: ${describeFailedProbe(probes)}.`,
      probes,
      stuck ??
        `Nothing changed for visitors: the new build was tried under ${path} only, which was removed again.`,
    );
  }
  if (stuck !== undefined) logger.warn?.(`${client.name}: ${stuck}`);
  return probes;
}

/**
 * Undeploys the temporary context, without the caller's signal (an abort must not leave it
 * behind). Says, when it could not, what is left and who removes it.
 */
async function removeSmokeContext(
  client: ManagerClient,
  path: string,
  logger: Logger,
): Promise<string | undefined> {
  try {
    const listed = (await client.list()).some((entry) => entry.path === path);
    if (listed) {
      logger.info?.(`${client.name}: removing the smoke test's ${path}`);
      await client.undeploy({ path, version: '' });
    }
    return undefined;
  } catch (error) {
    return `The temporary context ${path} could not be removed (${toTomcatPdError(error).message}); the next drain removes it.`;
  }
}
