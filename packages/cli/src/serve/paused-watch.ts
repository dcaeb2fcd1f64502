import { setTimeout as delay } from 'node:timers/promises';
import type { ManagerClient } from '@tomcat-pd/core';
import type { RolloutRecord } from '@tomcat-pd/core/internal';
import { readPausedRollouts } from '../actions/status-paused.js';
import type { CliContext } from '../context.js';

/**
 * Reads the paused rollouts kept on the targets every `intervalMs` until `signal` aborts, and
 * gives each reading to `onRead`: serve shows them as status does.
 */
export async function watchPausedRollouts(
  context: CliContext,
  clients: readonly ManagerClient[],
  intervalMs: number,
  signal: AbortSignal,
  onRead: (paused: readonly RolloutRecord[]) => void,
): Promise<void> {
  while (!signal.aborted) {
    onRead(await readPausedRollouts({ ...context, signal }, clients, undefined));
    await delay(intervalMs, undefined, { signal }).catch(() => undefined);
  }
}
