/**
 * What the release lock costs a changing command (docs/lock.md): taking it (list, the record's
 * deploy, list again, per target in order) and releasing it (the record's undeploy), on one real
 * Tomcat and on a fleet of four, with the library's defaults. The fleet is locked target by
 * target (all or none, in one order), so its cost grows with the fleet.
 */
import { acquireLock } from '@tomcat-pd/core/internal';
import type { ManagerClient } from '@tomcat-pd/core';
import { runInterleaved, type Variant } from './lib/interleave.js';
import type { Benchmark } from './lib/record.js';
import { spread } from './lib/stats.js';
import { clientOf, startTomcats, stopTomcats } from './lib/tomcats.js';

interface LockTimes {
  acquireMs: number;
  releaseMs: number;
}

async function lockOnce(clients: readonly ManagerClient[]): Promise<LockTimes> {
  const started = performance.now();
  const held = await acquireLock(clients, {
    scope: { kind: 'app', path: '/bench' },
    command: 'deploy',
    actor: 'bench@localhost',
  });
  const acquired = performance.now();
  await held.release();
  return { acquireMs: acquired - started, releaseMs: performance.now() - acquired };
}

export const benchLock: Benchmark = async (settings, log) => {
  log('  starting 4 Tomcats ...');
  const tomcats = await startTomcats(4);
  try {
    const clients = tomcats.map((tomcat, index) => clientOf(tomcat, `t${index + 1}`));
    const variants: Variant<LockTimes>[] = [
      { name: '1 Tomcat', measure: () => lockOnce(clients.slice(0, 1)) },
      { name: '4 Tomcats', measure: () => lockOnce(clients) },
    ];
    const samples = await runInterleaved(variants, { runs: Math.max(settings.runs, 20), log });
    const table = Object.fromEntries(
      Object.entries(samples.runs).flatMap(([name, series]) => [
        [
          `${name}: take`,
          spread(
            series.map((times) => times.acquireMs),
            'ms',
            1,
          ),
        ],
        [
          `${name}: release`,
          spread(
            series.map((times) => times.releaseMs),
            'ms',
            1,
          ),
        ],
      ]),
    );
    return { table, samples };
  } finally {
    await stopTomcats(tomcats);
  }
};
