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
  rollingRestart,
  startZeroDowntimeStand,
  type StandBalancer,
  type StandLoadOptions,
  type ZeroDowntimeOperation,
  type ZeroDowntimeRun,
} from '@tomcat-pd/testkit/zero-downtime';
import { runCli } from './lib/cli-process.js';
import type { Benchmark, Table } from './lib/record.js';
import { round } from './lib/stats.js';
import { cliEnv } from './lib/tomcats.js';

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

/** One row of the table: an operation through a balancer, under the load (with changes of its own). */
interface Scenario {
  readonly balancer: StandBalancer;
  readonly operation: ZeroDowntimeOperation;
  /** Its name's suffix and how its load differs from LOAD. */
  readonly load?: { readonly name: string; readonly options: StandLoadOptions };
}

/**
 * Half the visitors come back once, 2 s after their session ended, with its cookie: the balancer
 * sends them to the node their session id names, draining or not, and Tomcat opens a new session
 * there (issue 21, "A node with returning visitors never reaches 0 sessions").
 */
const RETURN_ONCE = {
  name: 'half the visitors return once',
  options: { returningShare: 0.5, returnAfterMs: (SESSION_SECONDS + 2) * 1_000 },
};

/** The same visitors coming back again and again, until the load stops: no drain ends by itself. */
const KEEP_RETURNING = {
  name: 'half the visitors keep returning',
  options: { ...RETURN_ONCE.options, returnsPerVisitor: Infinity },
};

/** Each drain given 60 s, then the restart goes on, losing the sessions left. */
const PROCEEDING = rollingRestart({ maxDrain: '60s', onMaxDrain: 'proceed' });

/** What is measured, one row each: a blue/green deploy, its rollback... are one line more. */
const SCENARIOS: readonly Scenario[] = [
  { balancer: 'haproxy', operation: ROLLING_RESTART },
  { balancer: 'mod_jk', operation: ROLLING_RESTART },
  { balancer: 'haproxy', operation: ROLLING_RESTART, load: RETURN_ONCE },
  { balancer: 'mod_jk', operation: ROLLING_RESTART, load: RETURN_ONCE },
  { balancer: 'haproxy', operation: PROCEEDING, load: KEEP_RETURNING },
  { balancer: 'mod_jk', operation: PROCEEDING, load: KEEP_RETURNING },
];

function row(run: ZeroDowntimeRun, operation: ZeroDowntimeOperation): Table[string] {
  const { counts } = run;
  return {
    'wall (s)': round(run.wallMs / 1_000, 1),
    ...operation.figures?.(run.cli.stdout),
    requests: counts.requests,
    visitors: counts.visitors,
    returns: counts.returns,
    failed: counts.failed,
    'sessions moved': counts.moved,
    'answers from a stopped node': counts.servedWhileStopped,
    'balancer faults': run.faults.length === 0 ? 'none' : run.faults.join('; '),
  };
}

export const benchZeroDowntime: Benchmark = async (_settings, log) => {
  const table: Table = {};
  const samples: Record<string, unknown>[] = [];
  for (const { balancer, operation, load } of SCENARIOS) {
    const label = [operation.name, balancer, load?.name].filter(Boolean).join(', ');
    log(`${label}: starting two Tomcats and ${balancer}`);
    const stand = await startZeroDowntimeStand({ balancer, sessionSeconds: SESSION_SECONDS });
    try {
      log(`${label}: under load`);
      const run = await measureZeroDowntime(stand, operation, {
        load: { ...LOAD, ...load?.options },
        cli: (args) => runCli(args, { cwd: stand.dir, env: cliEnv({ ...stand.env }), measureRss: false }),
      });
      if (run.cli.code !== 0)
        throw new Error(`${label}: tomcat-pd exited ${run.cli.code}:\n${run.cli.stderr.trim()}`);
      table[label] = row(run, operation);
      samples.push({
        label,
        sessionSeconds: SESSION_SECONDS,
        load: { ...LOAD, ...load?.options },
        ...run,
        cli: run.cli.stdout,
      });
    } finally {
      await stand.stop();
    }
  }
  return { table, samples };
};
