import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLUE_GREEN_RELEASES,
  measureZeroDowntimeSequence,
  startZeroDowntimeStand,
  type StandBalancer,
  type ZeroDowntimeRun,
  type ZeroDowntimeStand,
  QUICK_DRAINS,
} from '@tomcat-pd/testkit/zero-downtime';
import { runCli } from './cli-helpers.js';

// Issue 21's zero-downtime check for blue/green: `deploy --blue-green` (web1 live, web2 idle in
// maint), `rollback --blue-green`, and a second `deploy --blue-green --wait-drain`, each run by the
// built CLI while visitors come and go through a real balancer in front of two real Tomcats
// (packages/testkit/src/visitor-load.ts), with the quick drains of QUICK_DRAINS.

const { sessionSeconds: SESSION_SECONDS, load: LOAD } = QUICK_DRAINS;

interface ColoursDocument {
  live: string[];
  draining: string[];
  idle: string[];
}

interface SwitchDocument {
  version?: string;
  blueGreen: {
    before: ColoursDocument;
    after: ColoursDocument;
    steps: { step: string; targets: string[] }[];
  };
}

/** Per operation of BLUE_GREEN_RELEASES: the colours after it, its steps with their targets, the version. */
const EXPECTED: readonly {
  after: ColoursDocument;
  steps: [string, string[]][];
  version: string | undefined;
}[] = [
  {
    after: { live: ['web2'], draining: ['web1'], idle: [] },
    steps: [
      ['deploy', ['web2']],
      ['ready', ['web2']],
      ['drain', ['web1']],
    ],
    version: '001',
  },
  {
    after: { live: ['web1'], draining: ['web2'], idle: [] },
    steps: [
      ['ready', ['web1']],
      ['drain', ['web2']],
    ],
    version: undefined,
  },
  {
    after: { live: ['web2'], draining: [], idle: ['web1'] },
    steps: [
      ['wait-idle', ['web2']],
      ['deploy', ['web2']],
      ['ready', ['web2']],
      ['drain', ['web1']],
      ['maint', ['web1']],
    ],
    version: '002',
  },
];

describe.each<StandBalancer>(['haproxy', 'mod_jk'])(
  'blue/green releases under load through %s',
  (balancer) => {
    let stand: ZeroDowntimeStand | undefined;
    let runs: ZeroDowntimeRun[] = [];

    // The three operations under one load: the visitors the first deploy gave web2 are the ones
    // the second deploy waits for, after the rollback drained web2.
    beforeAll(async () => {
      stand = await startZeroDowntimeStand({ balancer, sessionSeconds: SESSION_SECONDS });
      runs = await measureZeroDowntimeSequence(stand, BLUE_GREEN_RELEASES, {
        cli: (args) => runCli(args, { cwd: stand!.dir, env: stand!.env, timeoutMs: 90_000 }),
        load: LOAD,
        warmUpMs: 3_000,
        coolDownMs: 3_000,
      });
    }, 200_000);

    afterAll(async () => {
      await stand?.stop();
    });

    it.each(BLUE_GREEN_RELEASES.map((operation, index) => [operation.name, index] as const))(
      '%s: switches the colours with no failed request, no session moved, no fault on the balancer',
      (_name, index) => {
        const run = runs[index];
        expect(run?.cli.code, run?.cli.stderr).toBe(0);
        const document = JSON.parse(run!.cli.stdout) as SwitchDocument;
        const expected = EXPECTED[index]!;
        expect(document.version).toBe(expected.version);
        expect(document.blueGreen.after).toEqual(expected.after);
        expect(document.blueGreen.steps.map((step) => [step.step, step.targets])).toEqual(expected.steps);
        const { counts } = run!;
        // The load reached the colour live before the switch and the one live after it.
        expect(Object.keys(counts.byNode).sort()).toEqual(['web1', 'web2']);
        // 4 visitors a second over at least the 3 s of the cool-down.
        expect(counts.visitors).toBeGreaterThan(10);
        expect({
          failed: counts.failed,
          moved: counts.moved,
          servedWhileStopped: counts.servedWhileStopped,
          examples: counts.examples,
        }).toEqual({
          failed: 0,
          moved: 0,
          servedWhileStopped: 0,
          examples: { failed: [], moved: [], servedWhileStopped: [] },
        });
        expect(run!.faults).toEqual([]);
      },
    );
  },
);
