/**
 * Wall time of one deploy to 1 and to N local Tomcats (fleetDeploy, as `tomcat-pd deploy` runs
 * it). Run by hand: `pnpm bench:fleet [N] [runs] [sizeMB]` (default 4 targets, 3 runs, 10 MB).
 * Prints the median, min and max of each; never part of the test suite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManagerClient, fleetDeploy, type ManagerClient } from '@tomcat-pd/core';
import { startTomcat } from '../test/harness/start-tomcat.js';
import { buildLargeWar } from '../test/harness/test-war.js';

const [targetCount = 4, runs = 3, sizeMb = 10] = process.argv.slice(2).map(Number);

async function timeDeploy(clients: ManagerClient[], warFile: string, path: string): Promise<number> {
  const started = performance.now();
  await fleetDeploy(clients, { path, warFile });
  return performance.now() - started;
}

function summary(label: string, times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${label.padEnd(12)} median ${median.toFixed(0).padStart(6)} ms   min ${sorted[0]!.toFixed(0).padStart(6)}   max ${sorted.at(-1)!.toFixed(0).padStart(6)}`;
}

const tomcats = await Promise.all(Array.from({ length: targetCount }, () => startTomcat()));
const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-bench-'));
try {
  const warFile = await buildLargeWar(dir, sizeMb * 1024 * 1024, 'bench');
  const clients = tomcats.map((t, i) =>
    createManagerClient({ name: `t${i + 1}`, url: t.managerUrl, user: t.user, password: t.password }),
  );
  const one: number[] = [];
  const all: number[] = [];
  // Interleaved, so that a noisy moment hurts both series alike.
  for (let run = 0; run < runs; run += 1) {
    one.push(await timeDeploy(clients.slice(0, 1), warFile, `/one${run}`));
    all.push(await timeDeploy(clients, warFile, `/all${run}`));
  }
  console.log(`deploy of a ${sizeMb} MB WAR, ${runs} runs, ${targetCount} local Tomcats on this machine:`);
  console.log(summary('1 target', one));
  console.log(summary(`${targetCount} targets`, all));
  const ratio =
    [...all].sort((a, b) => a - b)[Math.floor(runs / 2)]! /
    [...one].sort((a, b) => a - b)[Math.floor(runs / 2)]!;
  console.log(`ratio of the medians: ${ratio.toFixed(2)}x`);
} finally {
  await Promise.all(tomcats.map((t) => t.stop()));
  await rm(dir, { recursive: true, force: true });
}
