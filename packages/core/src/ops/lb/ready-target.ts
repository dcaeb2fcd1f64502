import type { ManagerClient } from '../../manager/manager-client.js';
import { UnsafeOperationError, usageError } from '../../errors/error-classes.js';
import { toTomcatPdError } from '../../errors/error-data.js';
import { runContextOf, type RunContext } from '../run-context.js';
import { visitorSessionContexts } from './visitor-sessions.js';
import {
  parseTargetStateOptions,
  runTargetState,
  type TargetStateOptions,
  type TargetStateReport,
} from './set-target-state.js';

export interface ReadyTargetOptions extends Omit<TargetStateOptions, 'state' | 'force'> {
  /** The target's Tomcat: it must answer, and every app running there too, before it is made ready. */
  client: ManagerClient;
  /**
   * Paths under each app that must answer 2xx or 3xx (`/health`). Without one, each app is asked
   * with `OPTIONS` at its root, which must answer below 500: Jasper answers a JSP's OPTIONS with
   * 405 without running it, so no session is made that a later drain would wait for.
   */
  probes?: readonly string[] | undefined;
  /** How long each of those requests may take. @defaultValue 5 000 (5 s) */
  timeoutMs?: number | undefined;
}

/**
 * Makes a target ready on every balancer that has it (all or nothing, as `setTargetState`),
 * after proving that its Tomcat serves: HAProxy marks a server up the moment it leaves
 * maintenance, before any health check, and a Tomcat that is not ready would get visitors at once.
 */
export async function readyTarget(options: ReadyTargetOptions): Promise<TargetStateReport> {
  const spec = parseTargetStateOptions({ ...options, state: 'ready' });
  const probes = options.probes ?? [];
  for (const probe of probes) {
    if (!probe.startsWith('/')) throw usageError(`A probe path starts with /, not ${probe}.`);
  }
  const context = runContextOf(options);
  await checkTargetServes(options.client, probes, options.timeoutMs ?? 5_000, context);
  return runTargetState(spec, context);
}

/**
 * Refuses (`E_UNSAFE`, rule `not-serving`) unless every app running on the target answers.
 * Exported for `restart`, which probes a restarted Tomcat the same way before it is made ready.
 */
export async function checkTargetServes(
  client: ManagerClient,
  probes: readonly string[],
  timeoutMs: number,
  { signal, logger }: RunContext,
): Promise<void> {
  const entries = await client.list({ signal }).catch((error: unknown) => {
    throw toTomcatPdError(error).withNote(`Target ${client.name} was not made ready; nothing was changed.`);
  });
  const paths = [
    ...new Set(
      visitorSessionContexts(entries, client)
        .filter((entry) => entry.state === 'running')
        .map((entry) => entry.path),
    ),
  ];
  for (const path of paths) {
    const base = path === '/' ? '' : path;
    const visits =
      probes.length === 0
        ? [{ url: `${base}/`, method: 'OPTIONS' as const }]
        : probes.map((probe) => ({ url: `${base}${probe}`, method: 'GET' as const }));
    for (const { url, method } of visits) {
      const healthy = (status: number) => (method === 'GET' ? status >= 200 && status < 400 : status < 500);
      const answer = await client.visit(url, { timeoutMs, maxBodyBytes: 0, method, signal }).then(
        ({ status }) => ({ answered: true as const, status }),
        (error: unknown) => ({ answered: false as const, error: toTomcatPdError(error) }),
      );
      if (answer.answered && healthy(answer.status)) {
        logger.debug?.(`${client.name}: ${method} ${url} answered ${answer.status}`);
        continue;
      }
      const said = answer.answered ? `answered ${answer.status}` : `did not answer (${answer.error.message})`;
      throw new UnsafeOperationError(
        'not-serving',
        `Refusing to make ${client.name} ready: ${method} ${url} ${said}. Nothing was changed.`,
        { hint: 'Start the app or fix it first; a probe path (--probe) says what counts as serving.' },
      );
    }
  }
}
