import type { Logger } from '../../common/logger.js';
import type { RunContext } from '../run-context.js';
import { ErrorCode } from '../../errors/error-codes.js';
import { AbortedError, ProbeError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { allHealthy, describeFailedProbe, runProbes } from '../probe/probe-app.js';
import type { ProbeResult, ProbeSpec } from '../probe/probe-options.js';
import { smokeContextPath } from '../smoke-path.js';
import type { DeploySpec } from './deploy-options.js';

/**
 * Deploys the WAR under a private temporary context path (`/shop-smoke-4f2a`), probes it there,
 * and undeploys it again, whatever happened (an error, an abort): visitors of the real path never
 * see it. Returns the probes when all passed; throws a `ProbeError` when one failed, or the
 * deploy's own error when the WAR did not even start there.
 */
export async function smokeTest(
  client: ManagerClient,
  spec: Pick<DeploySpec, 'path' | 'warFile' | 'stallTimeoutMs' | 'startTimeoutMs'>,
  smoke: ProbeSpec,
  context: RunContext,
): Promise<ProbeResult[]> {
  const { logger, signal } = context;
  const taken = new Set((await client.list({ signal })).map((entry) => entry.path));
  const path = smokeContextPath(spec.path, taken);
  let probes: ProbeResult[];
  try {
    logger.info?.(`${client.name}: smoke test of ${spec.warFile} under ${path}`);
    await client.deploy({
      path,
      version: '',
      warFile: spec.warFile,
      stallTimeoutMs: spec.stallTimeoutMs,
      startTimeoutMs: spec.startTimeoutMs,
      signal,
    });
    probes = await runProbes(client, { path, phase: 'smoke', version: undefined }, smoke, context);
  } catch (error) {
    const failure = toTomcatPdError(error);
    const stuck = await removeSmokeContext(client, path, logger);
    if (failure.code === ErrorCode.aborted) {
      const left = stuck ?? 'It was removed again; nothing changed for visitors.';
      throw new AbortedError(`The smoke test of ${spec.path} under ${path} was aborted. ${left}`, {
        cause: failure,
      });
    }
    const noted = failure.withNote(
      `The smoke test under ${path} did not complete; nothing changed for visitors.`,
    );
    throw stuck === undefined ? noted : noted.withNote(stuck);
  }
  const stuck = await removeSmokeContext(client, path, logger);
  if (!allHealthy(probes)) {
    throw new ProbeError(
      `The smoke test of ${spec.path} failed: ${describeFailedProbe(probes)}.`,
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
