import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { validateContextPath } from '../../versions/context-name.js';
import { withDefaults } from '../../common/defaults.js';
import { probeAfter } from '../probe/probe-app.js';
import { validateProbeOptions, type ProbeOptions, type ProbeResult } from '../probe/probe-options.js';
import { UnsafeOperationError, notFoundError } from '../../errors/errors.js';
import { silentLogger, type Logger } from '../../common/logger.js';
import { validateVersion } from '../../versions/version-rules.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { checkLeaksAfter, type LeakCheck } from '../leaks/leak-check.js';

export interface UndeployOptions {
  path: string;
  version: string;
  /** Allow undeploying the live version (new visitors then go to the next running one). @defaultValue false */
  force?: boolean | undefined;
  /** Probe the version that is live afterwards; the result says how it answered (nothing is redeployed). */
  probe?: ProbeOptions | undefined;
  /** Afterwards, ask Tomcat's `findleaks` whether its class loader stayed behind (a full GC on the server). @defaultValue false */
  checkLeaks?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** @defaultValue a logger that drops everything */
  logger?: Logger | undefined;
}

const UNDEPLOY_DEFAULTS = {
  force: false,
  checkLeaks: false,
  logger: silentLogger,
} satisfies Partial<UndeployOptions>;

export interface UndeployResult {
  target: string;
  path: string;
  version: string;
  wasLive: boolean;
  /** Sessions that were on the version and are lost. */
  sessionsLost: number;
  /** What the probe of the live version answered (empty without one). */
  probes: ProbeResult[];
  /** With `checkLeaks`: what `findleaks` said afterwards. */
  leaks?: LeakCheck | undefined;
}

/** Undeploys one version; refuses the live one unless forced. */
export async function undeployVersion(
  client: ManagerClient,
  undeployOptions: UndeployOptions,
): Promise<UndeployResult> {
  const options = withDefaults(undeployOptions, UNDEPLOY_DEFAULTS);
  const path = validateContextPath(options.path);
  // '' names the unversioned context; anything else must be a valid version: checked before any request.
  if (options.version !== '') validateVersion(options.version);
  if (options.probe !== undefined) validateProbeOptions(options.probe);
  return withAppLock(client.managerUrl, path, async () => {
    const app = describeApp(await client.list({ signal: options.signal }), path);
    const entry = app.versions.find((candidate) => candidate.version === options.version);
    if (entry === undefined) {
      throw notFoundError(`Version ${options.version} of ${path} is not deployed on ${client.name}.`);
    }
    if (entry.role === 'live' && !options.force) {
      throw new UnsafeOperationError(
        'live-version',
        `Version ${entry.version} is the live version of ${path}; refusing to undeploy it.`,
        {
          hint: [
            'Roll back instead (it checks that an older version takes over), or force it (',
            { option: 'force', value: true },
            ').',
          ],
        },
      );
    }
    options.logger.info?.(`${client.name}: undeploying ${path}##${entry.version}`);
    await client.undeploy({ path, version: entry.version, signal: options.signal });
    const probes = await probeAfter(client, {
      ...options,
      path,
      live: async () => describeApp(await client.list({ signal: options.signal }), path).live,
    });
    return {
      target: client.name,
      path,
      version: entry.version,
      wasLive: entry.role === 'live',
      sessionsLost: entry.sessions,
      probes,
      leaks: options.checkLeaks
        ? await checkLeaksAfter(client, [{ path, version: entry.version }], options.signal)
        : undefined,
    };
  });
}
