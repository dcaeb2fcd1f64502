import {
  abortRollout,
  decodeRolloutRecord,
  fleetRunContextOf,
  validateContextPath,
} from '@tomcat-pd/core/internal';
import { requirePath, type CommandLine, type LockRequest } from '../command-line.js';
import type { AbortFlags } from '../commands/abort.js';
import type { CliContext } from '../context.js';
import { appLock } from '../lock/lock-requests.js';
import type { ChangeDone, ChangeStart } from '../events/change-event.js';
import { abortDocument, renderAbort } from '../render/paused-rollout.js';
import { stillPausedOnFailure, takenOver } from './pause-rollout.js';

export interface AbortInput {
  path: string;
}

export function parse({ flags, defaults }: CommandLine<AbortFlags>): AbortInput {
  return { path: validateContextPath(requirePath(flags.path, defaults)) };
}

export function change({ path }: AbortInput): ChangeStart {
  return { event: 'abort', app: path };
}

/** The app's lock, taking over its paused rollout (docs/lock.md). */
export function lock({ path }: AbortInput): LockRequest {
  return { ...appLock('abort', path), takeover: 'paused' };
}

/**
 * `tomcat-pd abort --path P`: the paused rollout taken over is undone, its version undeployed
 * wherever it is. A failure on a target keeps the rollout paused, so that abort can be run again.
 */
export async function run(context: CliContext, { path }: AbortInput): Promise<ChangeDone> {
  const payload = takenOver(context, path, 'abort');
  const record = await stillPausedOnFailure(context, payload, () =>
    Promise.resolve(decodeRolloutRecord(payload)),
  );
  const clients = await context.clients();
  const result = await stillPausedOnFailure(context, payload, () =>
    abortRollout(
      clients,
      record,
      fleetRunContextOf({
        parallel: context.parallel,
        signal: context.signal,
        logger: context.output.logger,
      }),
    ),
  );
  context.output.result(abortDocument(result), () => renderAbort(result));
  return { version: record.version, buildId: record.buildId };
}
