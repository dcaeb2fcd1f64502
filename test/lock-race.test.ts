/**
 * The release lock against three real Tomcats (docs/lock.md): two CLI processes started together,
 * round after round, are never both inside. What tells "inside" is the audit file each process
 * writes: its start record is written after the lock is taken and its end record before it is
 * released (run-command.ts), each with fsync, so that two runs' [start, end] intervals overlap
 * exactly when they were inside at once. The control: two runs on two different apps do overlap.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagerClient } from '@tomcat-pd/core';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import type { TomcatInstance } from '@tomcat-pd/testkit/tomcat-instance';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { collect, spawnCli, type CliResult } from './cli-helpers.js';
import { NAMES, useFleet } from './fleet-fixture.js';

// Process B names the targets in the reverse order: the lock is taken in one order whatever the config's.
const fx = useFleet(async ({ dir, target }) => {
  await writeFile(
    join(dir, 'reversed.json'),
    JSON.stringify({ targets: [...NAMES].reverse().map((name) => target(name)) }),
  );
});

const ROUNDS = 30;

interface Interval {
  who: string;
  start: number;
  end: number;
}

/** The [start, end] of each change in an audit file. */
async function intervalsIn(file: string, who: string): Promise<Interval[]> {
  const lines = (await readFile(file, 'utf8')).trim().split('\n');
  const events = lines.map((line) => JSON.parse(line) as { phase: string; at: string });
  const intervals: Interval[] = [];
  for (let index = 0; index + 1 < events.length; index += 2) {
    expect([events[index]!.phase, events[index + 1]!.phase]).toEqual(['start', 'end']);
    intervals.push({ who, start: Date.parse(events[index]!.at), end: Date.parse(events[index + 1]!.at) });
  }
  return intervals;
}

function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Races two controllers on one app for `rounds`, and checks that they were never inside at once. */
async function expectNoOverlap(path: string, rounds: number, arena: Arena): Promise<void> {
  const { a, b, results } = await race(path, path, rounds, arena);
  for (const result of results) expect(result.code, result.stderr).toBe(0);
  expect(a).toHaveLength(rounds);
  expect(b).toHaveLength(rounds);
  const overlapping = a.flatMap((one) =>
    b.filter((other) => overlaps(one, other)).map((other) => [one, other]),
  );
  expect(overlapping).toEqual([]);
  // Nothing of the lock is left on any Tomcat.
  for (const tomcat of arena.tomcats) {
    const client = createManagerClient({
      url: tomcat.managerUrl,
      user: tomcat.user,
      password: tomcat.password,
    });
    expect(
      (await client.listAll()).entries.filter((entry) => entry.path.startsWith('/tomcat-pd-lock')),
    ).toEqual([]);
  }
}

/** The Tomcats a race runs on, the config file of each of its two controllers, the passwords they name. */
interface Arena {
  tomcats: readonly TomcatInstance[];
  configs: readonly [string, string];
  env?: Record<string, string>;
}

const fleetArena = (): Arena => ({
  tomcats: NAMES.map((name) => fx.tomcats[name]),
  configs: ['tomcat-pd.json', 'reversed.json'],
});

/** `tomcat-pd deploy` of `war` at `path` with the config `config`, its audit in `audit`. */
function deploy(war: string, path: string, config: string, audit: string, actor: string, env = {}) {
  return collect(
    spawnCli(['deploy', war, '--path', path, '--config', config, '--audit-log', audit, '--lock-wait', '2m'], {
      cwd: fx.dir,
      env: { ...fx.env, ...env, TOMCAT_PD_ACTOR: actor },
    }),
    180_000,
  );
}

/** Leaves only the live version of `path` on every Tomcat, so that thirty rounds do not fill them. */
async function keepLive(path: string, tomcats: readonly TomcatInstance[]): Promise<void> {
  await Promise.all(
    tomcats.map(async (tomcat) => {
      const client = createManagerClient({
        url: tomcat.managerUrl,
        user: tomcat.user,
        password: tomcat.password,
      });
      const versions = (await client.list())
        .filter((entry) => entry.path === path)
        .map((entry) => entry.version)
        .sort();
      for (const version of versions.slice(0, -1)) await client.undeploy({ path, version });
    }),
  );
}

async function race(
  pathA: string,
  pathB: string,
  rounds: number,
  arena: Arena = fleetArena(),
): Promise<{ a: Interval[]; b: Interval[]; results: CliResult[] }> {
  const war = await buildTestWar(fx.dir, { label: 'race' });
  const [auditA, auditB] = [
    join(fx.dir, `a-${pathA.slice(1)}.jsonl`),
    join(fx.dir, `b-${pathB.slice(1)}.jsonl`),
  ];
  await Promise.all([rm(auditA, { force: true }), rm(auditB, { force: true })]);
  const results: CliResult[] = [];
  for (let round = 0; round < rounds; round += 1) {
    results.push(
      ...(await Promise.all([
        deploy(war, pathA, arena.configs[0], auditA, 'alice@ci1', arena.env),
        deploy(war, pathB, arena.configs[1], auditB, 'bob@ci2', arena.env),
      ])),
    );
    await Promise.all([
      keepLive(pathA, arena.tomcats),
      pathA === pathB ? undefined : keepLive(pathB, arena.tomcats),
    ]);
  }
  return { a: await intervalsIn(auditA, 'a'), b: await intervalsIn(auditB, 'b'), results };
}

describe('two controllers racing for the lock of one app', () => {
  it(`${ROUNDS} rounds of two deploys started together: both always succeed, never both inside`, async () => {
    await expectNoOverlap('/race', ROUNDS, fleetArena());
  }, 900_000);

  it('the control: two deploys of two different apps started together are inside at once', async () => {
    const { a, b } = await race('/race-a', '/race-b', 3);
    const overlapping = a.filter((one) => b.some((other) => overlaps(one, other)));
    expect(overlapping.length).toBeGreaterThan(0);
  }, 300_000);
});

describe('the race on Tomcat 9.0 (ManagerServlet and HostConfig are the same code there: docs/lock.md)', () => {
  let tomcat9: LocalTomcatInstance | undefined;
  beforeAll(async () => {
    tomcat9 = await startLocalTomcat({ line: '9.0' });
    const target = {
      name: 'tomcat9',
      url: tomcat9.managerUrl,
      user: tomcat9.user,
      passwordEnv: 'PW_TOMCAT9',
    };
    await writeFile(join(fx.dir, 'tomcat9.json'), JSON.stringify({ targets: [target] }));
  });
  afterAll(async () => {
    await tomcat9?.stop();
  });

  it('10 rounds of two deploys started together on 9.0.70: never both inside', async () => {
    const env = { PW_TOMCAT9: tomcat9!.password };
    await expectNoOverlap('/race9', 10, {
      tomcats: [tomcat9!],
      configs: ['tomcat9.json', 'tomcat9.json'],
      env,
    });
  }, 600_000);
});
