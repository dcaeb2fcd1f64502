import { usageError } from '../../errors/error-classes.js';
import type { ManagerClient } from '../../manager/manager-client.js';
import type { RolloutWave } from '../deploy/rollout-steps.js';
import type { RolloutRecord } from './rollout-record.js';

/** The clients of a paused rollout: those that took the version, and the waves still to come. */
export interface PausedTargets {
  earlier: ManagerClient[];
  remaining: RolloutWave<ManagerClient>[];
}

/**
 * The rollout's targets among `clients`, by name. Promote and abort work on exactly the targets
 * the rollout was recorded on: a missing one would keep the version or never get it, and an
 * extra one holds no part of it. @throws UsageError naming both lists otherwise.
 */
export function pausedTargets(clients: readonly ManagerClient[], record: RolloutRecord): PausedTargets {
  const byName = new Map(clients.map((client) => [client.name, client]));
  const recorded = [...record.took, ...record.remaining.flatMap((wave) => wave.targets)];
  const missing = recorded.filter((name) => !byName.has(name));
  const extra = clients.filter((client) => !recorded.includes(client.name));
  if (missing.length > 0 || extra.length > 0) {
    throw usageError(
      `The paused rollout of ${record.path} is on ${recorded.join(', ')}; ` +
        `the targets selected are ${clients.map((client) => client.name).join(', ')}.`,
      'Select the targets of the rollout (--target, or the config file it was deployed with).',
    );
  }
  const clientsOf = (names: readonly string[]) =>
    names.flatMap((name) => {
      const client = byName.get(name);
      return client === undefined ? [] : [client];
    });
  return {
    earlier: clientsOf(record.took),
    remaining: record.remaining.map((wave) => ({ targets: clientsOf(wave.targets), pause: wave.pause })),
  };
}
