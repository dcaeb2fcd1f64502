import {
  decodeRolloutRecord,
  fleetRunContextOf,
  preparePromote,
  runResume,
  validateContextPath,
} from '@tomcat-pd/core/internal';
import { CommandLineError, requirePath, type CommandLine, type LockRequest } from '../command-line.js';
import type { PromoteFlags } from '../commands/promote.js';
import type { CliContext } from '../context.js';
import { appLock } from '../lock/lock-requests.js';
import type { ChangeDone, ChangeStart } from '../events/change-event.js';
import { withDeployProgress } from './deploy-progress.js';
import {
  pauseRollout,
  pausedRecord,
  reportDeploy,
  stillPausedOnFailure,
  takenOver,
} from './pause-rollout.js';

export interface PromoteInput {
  path: string;
  warFile: string;
}

/**
 * The app and the WAR. A rollout from a file needs the same file again: its size and SHA-256
 * are checked against the paused rollout's record.
 */
export function parse({ args, flags, defaults }: CommandLine<PromoteFlags>): PromoteInput {
  const path = validateContextPath(requirePath(flags.path, defaults));
  const warFile = args[0];
  if (typeof warFile !== 'string') {
    throw new CommandLineError('promote needs the WAR the deploy was given: tomcat-pd promote --path P WAR.');
  }
  return { path, warFile };
}

export function change({ path }: PromoteInput): ChangeStart {
  return { event: 'promote', app: path };
}

/** The app's lock, taking over its paused rollout (docs/lock.md). */
export function lock({ path }: PromoteInput): LockRequest {
  return { ...appLock('promote', path), takeover: 'paused' };
}

/**
 * `tomcat-pd promote --path P WAR`: the paused rollout taken over goes on from the step after the
 * pause. Refused with nothing changed (and still paused) for another WAR or other targets; a
 * failure after that undoes the version everywhere, as a deploy's does. A further `pause`
 * pauses it again.
 */
export async function run(context: CliContext, { path, warFile }: PromoteInput): Promise<ChangeDone> {
  const payload = takenOver(context, path, 'promote');
  const clients = await context.clients();
  const { record, plan } = await stillPausedOnFailure(context, payload, async () => {
    const read = decodeRolloutRecord(payload);
    const reading = fleetRunContextOf({
      parallel: context.parallel,
      signal: context.signal,
      logger: context.output.logger,
    });
    return { record: read, plan: await preparePromote(clients, { record: read, warFile }, reading) };
  });
  const result = await withDeployProgress(context, clients, (running) => runResume(plan, running));
  if (result.paused !== undefined) await pauseRollout(context, pausedRecord(record, result.paused));
  reportDeploy(context, result, warFile);
  return { version: record.version, buildId: record.buildId, paused: result.paused !== undefined };
}
