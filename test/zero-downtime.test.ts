import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  measureZeroDowntime,
  ROLLING_RESTART,
  startStandLoad,
  startZeroDowntimeStand,
  type StandBalancer,
  type ZeroDowntimeStand,
  QUICK_DRAINS,
} from '@tomcat-pd/testkit/zero-downtime';
import { runCli } from './cli-helpers.js';

// Issue 21's zero-downtime check: `tomcat-pd restart` of two real Tomcats behind a real balancer
// while visitors come and go through it (packages/testkit/src/visitor-load.ts), with the quick
// drains of QUICK_DRAINS.

const { sessionSeconds: SESSION_SECONDS, load: LOAD } = QUICK_DRAINS;

const cliOf = (stand: ZeroDowntimeStand) => (args: readonly string[]) =>
  runCli(args, { cwd: stand.dir, env: stand.env, timeoutMs: 150_000 });

interface RestartDocument {
  targets: { target: string; outcome: string }[];
}

describe.each<StandBalancer>(['haproxy', 'mod_jk'])('a rolling restart under load through %s', (balancer) => {
  let stand: ZeroDowntimeStand | undefined;

  beforeAll(async () => {
    stand = await startZeroDowntimeStand({ balancer, sessionSeconds: SESSION_SECONDS });
  });

  afterAll(async () => {
    await stand?.stop();
  });

  it('restarts both Tomcats: no failed request, no session moved, no answer from a stopped node, no fault on the balancer', async () => {
    const run = await measureZeroDowntime(stand!, ROLLING_RESTART, { cli: cliOf(stand!), load: LOAD });
    const document = JSON.parse(run.cli.stdout) as RestartDocument;
    expect(run.cli.code, run.cli.stderr).toBe(0);
    expect(document.targets.map((target) => [target.target, target.outcome])).toEqual([
      ['web1', 'done'],
      ['web2', 'done'],
    ]);
    expect(stand!.restarted).toEqual(['web1', 'web2']);
    const { counts } = run;
    // Both stops were timed (each window closed), and the load reached both nodes.
    expect(counts.stopWindows.map((window) => [window.node, window.to !== undefined])).toEqual([
      ['web1', true],
      ['web2', true],
    ]);
    expect(Object.keys(counts.byNode).sort()).toEqual(['web1', 'web2']);
    expect(counts.visitors).toBeGreaterThan(40);
    expect(counts.requests).toBeGreaterThan(500);
    expect({
      failed: counts.failed,
      moved: counts.moved,
      servedWhileStopped: counts.servedWhileStopped,
    }).toEqual({ failed: 0, moved: 0, servedWhileStopped: 0 });
    expect(run.faults).toEqual([]);
  }, 170_000);

  it("sees a restart behind the balancer's back: answers from web1 while it stopped, sessions moved", async () => {
    const load = startStandLoad(stand!, LOAD);
    try {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await stand!.restart('web1');
    } finally {
      stand!.watchRestarts(undefined);
    }
    const counts = await load.stop();
    // Requests in flight when the stop began, and those taken once its connector ran again but
    // before it was started: HAProxy never stopped sending them. mod_jk fails a refused
    // connection over at once, so whether one lands in the window there is a matter of timing.
    if (balancer === 'haproxy') expect(counts.servedWhileStopped).toBeGreaterThan(0);
    for (const example of counts.examples.servedWhileStopped) expect(example).toMatch(/^web1 answered/);
    expect(counts.moved).toBeGreaterThan(0);
    // Each lost its session on web1: a new one on web2 where the balancer saw web1 down, or on
    // web1 itself where the restart was quicker than the balancer's checks.
    expect(counts.examples.moved.join('\n')).toMatch(/\.web1 became \S+\.web[12]$/m);
    // mod_jk fails the requests over to web2 (each visitor still gets a 200) and counts them
    // as web1's errors (its state may already read OK again).
    if (balancer === 'mod_jk')
      expect((await stand!.memberFaults()).join('\n')).toMatch(/^web1: state \S+, [1-9]\d* errors$/);
  }, 60_000);
});
