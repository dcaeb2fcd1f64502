/**
 * Issue 21's zero-downtime check, measured: each operation of SCENARIOS run once by the built CLI
 * on two real Tomcats behind a real balancer (a blue/green sequence: one after the other), under
 * the load of
 * packages/testkit/src/visitor-load.ts (sticky visitors who come, stay a few seconds and leave,
 * new visitors, a constant stream), with the wall time of the operation and what the load
 * counted: failed requests, sessions moved while they existed, answers from a stopped node, and
 * what the balancer holds against a member afterwards. A new stand (Tomcats, balancer) for each.
 */
import {
  BLUE_GREEN_RELEASES,
  measureZeroDowntimeSequence,
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

/**
 * Rows of the table: operations through a balancer, one after the other under one load (with
 * changes of its own), on one stand; a row each.
 */
interface Scenario {
  readonly balancer: StandBalancer;
  readonly operations: readonly ZeroDowntimeOperation[];
  /** Its name's suffix and how its load differs from LOAD. */
  readonly load?: { readonly name: string; readonly options: StandLoadOptions };
  /**
   * false: the Manager user lacks `manager-jmx`, so a drain cannot tell the sessions begun before
   * it and waits for every session (the stand grants it by default).
   */
  readonly jmx?: false;
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

/**
 * What is measured. The returning visitors' restarts once without `manager-jmx` too: a drain
 * then waits for the returning visitors' new sessions as well, and never ends by itself. The
 * blue/green releases also with returning visitors: `--wait-drain` puts a colour in maint once
 * the sessions from before its drain ended, with returning visitors' new sessions on it.
 */
const SCENARIOS: readonly Scenario[] = [
  { balancer: 'haproxy', operations: [ROLLING_RESTART] },
  { balancer: 'mod_jk', operations: [ROLLING_RESTART] },
  { balancer: 'haproxy', operations: [ROLLING_RESTART], load: RETURN_ONCE },
  { balancer: 'mod_jk', operations: [ROLLING_RESTART], load: RETURN_ONCE },
  { balancer: 'haproxy', operations: [PROCEEDING], load: KEEP_RETURNING },
  { balancer: 'mod_jk', operations: [PROCEEDING], load: KEEP_RETURNING },
  { balancer: 'haproxy', operations: [PROCEEDING], load: KEEP_RETURNING, jmx: false },
  { balancer: 'mod_jk', operations: [PROCEEDING], load: KEEP_RETURNING, jmx: false },
  { balancer: 'haproxy', operations: BLUE_GREEN_RELEASES },
  { balancer: 'mod_jk', operations: BLUE_GREEN_RELEASES },
  { balancer: 'haproxy', operations: BLUE_GREEN_RELEASES, load: KEEP_RETURNING },
  { balancer: 'mod_jk', operations: BLUE_GREEN_RELEASES, load: KEEP_RETURNING },
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

const labelOf = (operation: ZeroDowntimeOperation, scenario: Scenario) =>
  [
    operation.name,
    scenario.balancer,
    scenario.load?.name,
    scenario.jmx === false ? 'without manager-jmx' : undefined,
  ]
    .filter(Boolean)
    .join(', ');

export const benchZeroDowntime: Benchmark = async (_settings, log) => {
  const table: Table = {};
  const samples: Record<string, unknown>[] = [];
  for (const scenario of SCENARIOS) {
    const { balancer, operations, load, jmx = true } = scenario;
    const labels = operations.map((operation) => labelOf(operation, scenario));
    log(`${labels.join('; ')}: starting two Tomcats and ${balancer}`);
    const stand = await startZeroDowntimeStand({ balancer, sessionSeconds: SESSION_SECONDS, jmx });
    try {
      log(`${labels.join('; ')}: under load`);
      const runs = await measureZeroDowntimeSequence(stand, operations, {
        load: { ...LOAD, ...load?.options },
        cli: (args) => runCli(args, { cwd: stand.dir, env: cliEnv({ ...stand.env }), measureRss: false }),
      });
      for (const [index, run] of runs.entries()) {
        const label = labels[index]!;
        if (run.cli.code !== 0)
          throw new Error(`${label}: tomcat-pd exited ${run.cli.code}:\n${run.cli.stderr.trim()}`);
        table[label] = row(run, operations[index]!);
        samples.push({
          label,
          sessionSeconds: SESSION_SECONDS,
          jmx,
          load: { ...LOAD, ...load?.options },
          ...run,
          cli: run.cli.stdout,
        });
      }
    } finally {
      await stand.stop();
    }
  }
  return { table, samples };
};
