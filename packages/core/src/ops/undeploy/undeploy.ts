import { withAppLock } from '../app-lock.js';
import { describeApp } from '../app-status.js';
import { validateContextPath } from '../../versions/context-name.js';
import { withDefaults } from '../../common/defaults.js';
import { probeAfter } from '../probe/probe-app.js';
import {
  parseOptionalProbe,
  type ProbeOptions,
  type ProbeResult,
  type ProbeSpec,
} from '../probe/probe-options.js';
import { runContextOf, type RunContext, type RunOptions } from '../run-context.js';
import { UnsafeOperationError, notFoundError } from '../../errors/error-classes.js';
import { validateVersion } from '../../versions/version-rules.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import { checkLeaksAfter, type LeakCheck } from '../leaks/leak-check.js';

export interface UndeployOptions extends RunOptions {
  path: string;
  version: string;
  /** Allow undeploying the live version (new visitors then go to the next running one). @defaultValue false */
  force?: boolean | undefined;
  /** Probe the version that is live afterwards; the result says how it answered (nothing is redeployed). */
  probe?: ProbeOptions | undefined;
  /** Afterwards, ask Tomcat's `findleaks` whether its class loader stayed behind (a full GC on the server). @defaultValue false */
  checkLeaks?: boolean | undefined;
}

/** An undeploy's options, checked and with their defaults. */
export interface UndeploySpec {
  readonly path: string;
  /** `''`: the unversioned context. */
  readonly version: string;
  readonly force: boolean;
  readonly probe: ProbeSpec | undefined;
  readonly checkLeaks: boolean;
}

const UNDEPLOY_DEFAULTS = { force: false, checkLeaks: false } satisfies Partial<UndeployOptions>;

/** Checks an undeploy's options before any request. @throws UsageError naming what is wrong. */
export function parseUndeployOptions(options: UndeployOptions): UndeploySpec {
  const { path, version, force, probe, checkLeaks } = withDefaults(options, UNDEPLOY_DEFAULTS);
  return {
    path: validateContextPath(path),
    // '' names the unversioned context; anything else must be a valid version.
    version: version === '' ? version : validateVersion(version),
    force,
    probe: parseOptionalProbe(probe),
    checkLeaks,
  };
}

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
  options: UndeployOptions,
): Promise<UndeployResult> {
  return runUndeploy(client, parseUndeployOptions(options), runContextOf(options));
}

/** {@link undeployVersion} with its options checked. */
export function runUndeploy(
  client: ManagerClient,
  spec: UndeploySpec,
  context: RunContext,
): Promise<UndeployResult> {
  const { path } = spec;
  const { signal, logger } = context;
  return withAppLock(client.managerUrl, path, async () => {
    const app = describeApp(await client.list({ signal }), path);
    const entry = app.versions.find((candidate) => candidate.version === spec.version);
    if (entry === undefined) {
      throw notFoundError(`Version ${spec.version} of ${path} is not deployed on ${client.name}.`);
    }
    if (entry.role === 'live' && !spec.force) {
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
    logger.info?.(`${client.name}: undeploying ${path}##${entry.version}`);
    await client.undeploy({ path, version: entry.version, signal });
    const probes = await probeAfter(
      client,
      path,
      spec.probe,
      async () => describeApp(await client.list({ signal }), path).live,
      context,
    );
    return {
      target: client.name,
      path,
      version: entry.version,
      wasLive: entry.role === 'live',
      sessionsLost: entry.sessions,
      probes,
      leaks: spec.checkLeaks
        ? await checkLeaksAfter(client, [{ path, version: entry.version }], signal)
        : undefined,
    };
  });
}
