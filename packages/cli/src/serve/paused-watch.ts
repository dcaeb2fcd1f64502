import { setTimeout as delay } from 'node:timers/promises';
import type { ManagerClient } from '@tomcat-pd/core';
import type { RolloutRecord } from '@tomcat-pd/core/internal';
import { readPausedRollouts } from '../actions/status-paused.js';
import type { CliContext } from '../context.js';

/**
 * How often serve reads the paused rollouts: a pause lasts minutes or hours, and each reading
 * is one more `list` per target, which the fleet's read every interval does not carry.
 */
export const PAUSED_READ_MS = 60_000;

/**
 * Reads the paused rollouts kept on the targets every `intervalMs` (at least
 * {@link PAUSED_READ_MS}) until `signal` aborts, and gives each reading to `onRead`: serve
 * shows them as status does.
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
    await delay(Math.max(intervalMs, PAUSED_READ_MS), undefined, { signal }).catch(() => undefined);
  }
}
