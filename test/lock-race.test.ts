/**
 * The release lock against three real Tomcats (docs/lock.md): two CLI processes started together,
 * round after round, are never both inside. What tells "inside" is the audit file each process
 * writes: its start record is written after the lock is taken and its end record before it is
 * released (run-command.ts), each with fsync, so that two runs' [start, end] intervals overlap
 * exactly when they were inside at once. The control: two runs on two different apps do overlap.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createManagerClient } from '@tomcat-pd/core';
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

/** `tomcat-pd deploy` of `war` at `path` with the fleet's config (`config`), its audit in `audit`. */
function deploy(war: string, path: string, config: string, audit: string, actor: string) {
  return collect(
    spawnCli(['deploy', war, '--path', path, '--config', config, '--audit-log', audit, '--lock-wait', '2m'], {
      cwd: fx.dir,
      env: { ...fx.env, TOMCAT_PD_ACTOR: actor },
    }),
    180_000,
  );
}

/** Leaves only the live version of `path` on every target, so that thirty rounds do not fill Tomcat. */
async function keepLive(path: string): Promise<void> {
  await Promise.all(
    NAMES.map(async (name) => {
      const tomcat = fx.tomcats[name];
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
        deploy(war, pathA, 'tomcat-pd.json', auditA, 'alice@ci1'),
        deploy(war, pathB, 'reversed.json', auditB, 'bob@ci2'),
      ])),
    );
    await Promise.all([keepLive(pathA), pathA === pathB ? undefined : keepLive(pathB)]);
  }
  return { a: await intervalsIn(auditA, 'a'), b: await intervalsIn(auditB, 'b'), results };
}

describe('two controllers racing for the lock of one app', () => {
  it(`${ROUNDS} rounds of two deploys started together: both always succeed, never both inside`, async () => {
    const { a, b, results } = await race('/race', '/race', ROUNDS);
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(a).toHaveLength(ROUNDS);
    expect(b).toHaveLength(ROUNDS);
    const overlapping = a.flatMap((one) =>
      b.filter((other) => overlaps(one, other)).map((other) => [one, other]),
    );
    expect(overlapping).toEqual([]);
    // Nothing of the lock is left on any target.
    for (const name of NAMES) {
      const tomcat = fx.tomcats[name];
      const client = createManagerClient({
        url: tomcat.managerUrl,
        user: tomcat.user,
        password: tomcat.password,
      });
      expect(
        (await client.listAll()).entries.filter((entry) => entry.path.startsWith('/tomcat-pd-lock')),
      ).toEqual([]);
    }
  }, 900_000);

  it('the control: two deploys of two different apps started together are inside at once', async () => {
    const { a, b } = await race('/race-a', '/race-b', 3);
    const overlapping = a.filter((one) => b.some((other) => overlaps(one, other)));
    expect(overlapping.length).toBeGreaterThan(0);
  }, 300_000);
});
