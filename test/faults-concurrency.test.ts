/**
 * Faults: two deploys of the same app at the same moment, from two processes (two CI jobs, say).
 * The tool serialises operations on one app only within a process (safety rule 9), so here the
 * two race at Tomcat, which is what guards a name: one request per name at a time ("already
 * being serviced", docs/tomcat-manager.md#already-being-serviced) and never over an existing one ("already exists").
 *
 * - Both plan the same version. Promise: only one of them gets it and exits 0; the other exits 1
 *   with the reason (already exists / already being serviced / another deploy sorted above it),
 *   having removed nothing of the winner's.
 * - One plans after the other's deploy. Promise: it takes the next version and goes live; the
 *   first one may then see its version running but no longer live, and says so (exit 1).
 * - Both give the same `--version`. Promise: exactly one gets it; the other exits 1 (Tomcat's
 *   refusal) or 3 (it saw the version already there: no overwrite without --update).
 * In every round: never both exit 0 with one version, the live version serves one of the two
 * WARs (the one a successful deploy reported at the greatest version), and nothing is left stopped.
 */
import { describe, expect, it } from 'vitest';
import { deploy, getStatus } from '@tomcat-pd/core';
import { collect, connection, spawnCli, type CliResult } from './cli-helpers.js';
import { buildLargeWar, buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { useTomcat } from './support.js';

const fixture = useTomcat();

const ROUNDS = 6;
// Some megabytes, so that an upload and the unpacking take long enough for the two to overlap.
const WAR_BYTES = 8_000_000;

/** Starts `tomcat-pd deploy WAR --path P --json [--version V]` in its own process. */
function deployInChild(war: string, path: string, version: string | undefined): Promise<CliResult> {
  const tomcat = fixture.tomcat;
  const args = [
    'deploy',
    war,
    '--path',
    path,
    '--json',
    ...(version === undefined ? [] : ['--version', version]),
  ];
  const child = spawnCli([...args, ...connection(tomcat)], { env: { TOMCAT_PD_PASSWORD: tomcat.password } });
  return collect(child, 45_000, args);
}

/** The version a successful deploy reported, from its JSON document. */
function versionOf(result: CliResult): string {
  return (JSON.parse(result.stdout) as { version: string }).version;
}

// What a losing deploy may say (its stderr), each a clean refusal that names the conflict.
const CONFLICT =
  /already exists|already being serviced|another deploy|sorted above it|refusing to overwrite/i;

/** `008` → `009`, at the same width. */
const next = (version: string): string => String(Number(version) + 1).padStart(version.length, '0');

describe('two deploys of one app at the same moment, from two processes', () => {
  it(`never both get one version; the live version is one of the two WARs; nothing is left stopped (${ROUNDS} rounds)`, async () => {
    const { client, tomcat, warDir } = fixture;
    await deploy(client, {
      path: '/race',
      warFile: await buildTestWar(warDir, { label: 'base', fileName: 'race-base.war' }),
    });
    const outcomes: string[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      // Odd rounds: automatic versions (the two may or may not plan the same one); even rounds:
      // both ask for the same explicit version, so that they always collide.
      const live = (await getStatus(client, { path: '/race' })).apps[0]?.live ?? '001';
      const version = round % 2 === 0 ? next(live) : undefined;
      const labels = [`a${round}`, `b${round}`] as const;
      const wars = await Promise.all(labels.map((label) => buildLargeWar(warDir, WAR_BYTES, label)));
      const results = await Promise.all(wars.map((war) => deployInChild(war, '/race', version)));
      const context = results
        .map((r, i) => `--- ${labels[i]}: exit ${r.code}\n${r.stdout}\n${r.stderr}`)
        .join('\n');

      const winners = results.flatMap((result, index) =>
        result.code === 0 ? [{ label: labels[index], version: versionOf(result) }] : [],
      );
      expect(winners.length, context).toBeGreaterThanOrEqual(1);
      // Never both exit 0 with one version.
      expect(new Set(winners.map((w) => w.version)).size, context).toBe(winners.length);
      if (version !== undefined) expect(winners, context).toEqual([expect.objectContaining({ version })]);
      // A loser exits 5 (the other holds the release lock of /race, docs/lock.md), or, should it
      // get the lock after the winner, 1 (its version is no longer live) or 3 (the version was
      // there when it looked: no overwrite), naming the conflict; never a crash.
      for (const result of results.filter((r) => r.code !== 0)) {
        expect([1, 3, 5], context).toContain(result.code);
        expect(result.stderr, context).toMatch(
          result.code === 5 ? /is held by .* \(deploy, since/ : CONFLICT,
        );
      }

      const status = (await getStatus(client, { path: '/race' })).apps[0];
      expect(
        status?.versions.filter((v) => v.state !== 'running'),
        context,
      ).toEqual([]);
      // The live version is the greatest a winner reported, and it serves that winner's WAR.
      const newest = winners.reduce((a, b) => (a.version > b.version ? a : b));
      expect(status?.live, context).toBe(newest.version);
      const visit = await new Visitor(tomcat.baseUrl).get('/race/');
      expect(visit, context).toMatchObject({ label: newest.label, version: newest.version });
      expect(labels, context).toContain(visit.label);
      outcomes.push(
        `${version === undefined ? 'auto' : `--version ${version}`} ` +
          results.map((r, i) => `${labels[i]}:${r.code === 0 ? versionOf(r) : `exit ${r.code}`}`).join(' '),
      );
    }
    // For the log: which races happened (same version planned, or one after the other).
    console.info(`deploy races: ${outcomes.join(' | ')}`);
  });
});
