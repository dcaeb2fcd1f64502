/**
 * Issue 21's zero-downtime check, measured: each operation of SCENARIOS run once by the built CLI
 * on two real Tomcats behind a real balancer, under the load of
 * packages/testkit/src/visitor-load.ts (sticky visitors who come, stay a few seconds and leave,
 * new visitors, a constant stream), with the wall time of the operation and what the load
 * counted: failed requests, sessions moved while they existed, answers from a stopped node, and
 * what the balancer holds against a member afterwards. A new stand (Tomcats, balancer) for each.
 */
import {
  measureZeroDowntime,
  ROLLING_RESTART,
  startZeroDowntimeStand,
  type StandBalancer,
  type ZeroDowntimeOperation,
  type ZeroDowntimeRun,
} from '@tomcat-pd/testkit/zero-downtime';
import { runCli } from './lib/cli-process.js';
import type { Benchmark, Table } from './lib/record.js';
import { round } from './lib/stats.js';
import { cliEnv } from './lib/tomcats.js';

/** What is measured, one row each: a blue/green deploy, its rollback... are one line more. */
const SCENARIOS: readonly { balancer: StandBalancer; operation: ZeroDowntimeOperation }[] = [
  { balancer: 'haproxy', operation: ROLLING_RESTART },
  { balancer: 'mod_jk', operation: ROLLING_RESTART },
];

/**
 * Sessions of 15 s and visits of 5 s (5 requests): a drain waits for its last visitor to leave
 * and that visitor's session to end, ~20 s, whatever the balancer.
 */
const SESSION_SECONDS = 15;
const LOAD = {
  visitorsPerSecond: 8,
  requestsPerVisit: 5,
  visitMs: 5_000,
  newVisitorsPerSecond: 4,
  streamPerSecond: 50,
};

function row(run: ZeroDowntimeRun, operation: ZeroDowntimeOperation): Table[string] {
  const { counts } = run;
  return {
    'wall (s)': round(run.wallMs / 1_000, 1),
    ...operation.figures?.(run.cli.stdout),
    requests: counts.requests,
    visitors: counts.visitors,
    failed: counts.failed,
    'sessions moved': counts.moved,
    'answers from a stopped node': counts.servedWhileStopped,
    'balancer faults': run.faults.length === 0 ? 'none' : run.faults.join('; '),
  };
}

export const benchZeroDowntime: Benchmark = async (_settings, log) => {
  const table: Table = {};
  const samples: Record<string, unknown>[] = [];
  for (const { balancer, operation } of SCENARIOS) {
    const label = `${operation.name}, ${balancer}`;
    log(`${label}: starting two Tomcats and ${balancer}`);
    const stand = await startZeroDowntimeStand({ balancer, sessionSeconds: SESSION_SECONDS });
    try {
      log(`${label}: under load`);
      const run = await measureZeroDowntime(stand, operation, {
        load: LOAD,
        cli: (args) => runCli(args, { cwd: stand.dir, env: cliEnv({ ...stand.env }), measureRss: false }),
      });
      if (run.cli.code !== 0)
        throw new Error(`${label}: tomcat-pd exited ${run.cli.code}:\n${run.cli.stderr.trim()}`);
      table[label] = row(run, operation);
      samples.push({ label, sessionSeconds: SESSION_SECONDS, load: LOAD, ...run, cli: run.cli.stdout });
    } finally {
      await stand.stop();
    }
  }
  return { table, samples };
};
