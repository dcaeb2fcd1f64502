import { describe, expect, it } from 'vitest';
import {
  analysesOfError,
  analysisErrorOf,
  expectConsistent,
  expectOnlyAnswer,
  holdersWork,
  newVisitorsWork,
  outcomesOf,
  stopAll,
  tally,
  type WorkAnswer,
} from './analyze-support.js';
import { expectExit, jsonOf, type CliResult } from './cli-helpers.js';
import { NAMES, useFleet, type Name } from './fleet-fixture.js';
import { buildFlakyWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import type { StatusDocument } from './probe-support.js';
import {
  clientOf,
  expectSessionsKept,
  openSession,
  sessionChangesOnEach,
  sessionsOnEach,
  type SessionHolder,
} from './session-counts.js';

// Canary analysis on a fleet (issue 12, safety rule 5): every target that took the new version
// watches it for the window; one target whose error rate is too high undoes the version on
// every target, and with `--canary 1` the others start only once the canary's analysis passed.
// New visitors ask /work on each of the three all through the deploy (so that each target's
// new version has traffic in its own window), and the holder of a session on 001 on each keeps
// asking it there. The flaky WAR fails on every server, or only where `failOnPorts` says.

const fx = useFleet();
const { fleet } = fx;

/** The analysis of these tests: a 10 s window, read every 5 s (the least), a verdict from 10 requests. */
const ANALYZE = ['--analyze', '10s', '--interval', '5s', '--min-requests', '10'] as const;

function portOf(name: Name): number {
  return Number(new URL(fx.tomcats[name].baseUrl).port);
}

/**
 * A flaky WAR whose /work throws on every `failEvery`-th request on the servers named in
 * `failOn` (every server when absent); `failEvery` 0 never fails.
 */
function flakyWar(label: string, failEvery: number, failOn?: readonly Name[]): Promise<string> {
  return buildFlakyWar(fx.dir, {
    label,
    failEvery,
    failOnPorts: failOn?.map(portOf),
    fileName: `${label}-${failEvery}-${(failOn ?? ['all']).join('-')}.war`,
  });
}

/** `web1: ['001 live']`: every version of `path` with its role on each target. */
async function versionsOf(path: string): Promise<Record<Name, string[]>> {
  const document = jsonOf<StatusDocument>(await fleet(['status', '--json']));
  const versions = { web1: [], web2: [], web3: [] } as Record<Name, string[]>;
  for (const app of document.apps.filter((a) => a.path === path)) {
    versions[app.target as Name].push(...app.versions.map((v) => `${v.version} ${v.role}`));
  }
  return versions;
}

function everywhere(...versions: string[]): Record<Name, string[]> {
  return { web1: versions, web2: versions, web3: versions };
}

function countSessions(path: string) {
  return sessionsOnEach(Object.fromEntries(NAMES.map((name) => [name, clientOf(fx.tomcats[name])])), path);
}

/** Version 001 (label `one`, /work never fails) of `path` live on all three, a session held on each. */
async function liveEverywhere(
  path: string,
): Promise<{ holders: SessionHolder[]; before: Record<Name, Record<string, number>> }> {
  expectExit(await fleet(['deploy', await flakyWar('one', 0), '--path', path, '--quiet']), 0);
  const holders = await Promise.all(
    NAMES.map((name) => openSession(fx.tomcats[name].baseUrl, path, '001', name)),
  );
  return { holders, before: await countSessions(path) };
}

/**
 * Runs `tomcat-pd ARGS` on the fleet while new visitors ask `path/work` on each Tomcat (one every
 * 50 ms on each) and the holders ask it on their version: what each Tomcat's new visitors got,
 * and what the holders got.
 */
async function underTraffic(
  path: string,
  holders: readonly SessionHolder[],
  args: readonly string[],
): Promise<{ result: CliResult; fresh: Record<Name, WorkAnswer[]>; held: WorkAnswer[] }> {
  const visitors = NAMES.map((name) => newVisitorsWork(fx.tomcats[name].baseUrl, path));
  const regulars = holdersWork(holders);
  const result = await fleet(args);
  const [held = [], ...answers] = await stopAll(regulars, ...visitors);
  const fresh = Object.fromEntries(NAMES.map((name, i) => [name, answers[i] ?? []])) as Record<
    Name,
    WorkAnswer[]
  >;
  return { result, fresh, held };
}

/** After a failed deploy: only 001 everywhere, every session kept, new visitors get `one`. */
async function expectUndoneEverywhere(
  path: string,
  holders: SessionHolder[],
  before: Record<Name, Record<string, number>>,
) {
  expect(await versionsOf(path)).toEqual(everywhere('001 live'));
  expect(sessionChangesOnEach(before, await countSessions(path))).toEqual({});
  await expectSessionsKept(holders);
  for (const name of NAMES)
    expect(await new Visitor(fx.tomcats[name].baseUrl).get(`${path}/`), name).toMatchObject({ label: 'one' });
}

describe('deploy --analyze to several Tomcats', () => {
  it('--canary 1 with a bad canary: its analysis fails, and the others never get the version', async () => {
    const { holders, before } = await liveEverywhere('/fcan');
    const { result, fresh, held } = await underTraffic('/fcan', holders, [
      'deploy',
      await flakyWar('two', 2),
      '--path',
      '/fcan',
      '--canary',
      '1',
      ...ANALYZE,
      '--json',
    ]);
    const document = analysisErrorOf(result);
    expect(document.error.code).toBe('E_ANALYSIS');
    expect(outcomesOf(document)).toEqual([
      ['web1', 'failed'],
      ['web2', 'not-started'],
      ['web3', 'not-started'],
    ]);
    // Only the canary was analysed: the others were not even started.
    const [canary, ...more] = analysesOfError(document);
    expect(more).toEqual([]);
    expect(canary).toMatchObject({ target: 'web1', verdict: 'fail', version: '002' });
    if (canary === undefined) return;
    expectConsistent(canary, 'web1 002');
    expect(canary.requests).toBeGreaterThanOrEqual(10);
    expect(canary.errorRate).toBeGreaterThan(0.3);
    expect(canary.errorRate).toBeLessThan(0.7);
    expect(canary.baseline).toMatchObject({ version: '001', errors: 0, errorRate: 0 });
    expect(document.error.message).toMatch(/web1/);
    expect(document.error.message).toMatch(/version 001 is live again/);
    // The canary's new visitors met 002 and its 500s; those of web2 and web3 never saw anything but 001.
    expect(tally(fresh.web1)['HTTP 500']).toBeGreaterThan(0);
    expect(tally(fresh.web1)['worked two']).toBeGreaterThan(0);
    expectOnlyAnswer(fresh.web2, 'worked one', 20);
    expectOnlyAnswer(fresh.web3, 'worked one', 20);
    expectOnlyAnswer(held, 'worked one', 10);
    await expectUndoneEverywhere('/fcan', holders, before);
  });

  it('--steps 1,100% whose first step passes: the others follow, and one failing there undoes every target', async () => {
    const { holders, before } = await liveEverywhere('/fnext');
    // The same WAR everywhere; its /work fails every 2nd request on web2 only.
    const { result, fresh, held } = await underTraffic('/fnext', holders, [
      'deploy',
      await flakyWar('two', 2, ['web2']),
      '--path',
      '/fnext',
      '--steps',
      '1,100%',
      ...ANALYZE,
      '--json',
    ]);
    const document = analysisErrorOf(result);
    expect(document.error.code).toBe('E_ANALYSIS');
    expect(outcomesOf(document)).toEqual([
      ['web1', 'undone'],
      ['web2', 'failed'],
      ['web3', 'undone'],
    ]);
    const analyses = analysesOfError(document);
    // web3 was in web2's step: its window ended when web2 failed, as it was undone anyway.
    expect(analyses.map((a) => [a.target, a.version, a.verdict])).toEqual([
      ['web1', '002', 'pass'],
      ['web2', '002', 'fail'],
      ['web3', '002', 'inconclusive'],
    ]);
    for (const analysis of analyses) {
      expectConsistent(analysis, analysis.target);
      expect(analysis.baseline, analysis.target).toMatchObject({ version: '001', errors: 0 });
    }
    const [web1, web2, web3] = analyses;
    expect(web1).toMatchObject({ errors: 0, errorRate: 0 });
    expect(web1?.requests).toBeGreaterThanOrEqual(10);
    expect(web2?.requests).toBeGreaterThanOrEqual(10);
    expect(web3).toMatchObject({ errors: 0, note: 'cut short: the deploy failed on another target' });
    expect(web3?.windowMs).toBeLessThan(web1?.windowMs ?? 0);
    expect(document.error.message).toMatch(/\(step 2 of 2\)/);
    expect(web2?.errorRate).toBeGreaterThan(0.3);
    expect(web2?.errorRate).toBeLessThan(0.7);
    expect(document.error.message).toMatch(/web2/);
    // The new visitors of each Tomcat met 002; only web2's got its 500s.
    for (const name of NAMES) expect(tally(fresh[name])['worked two'], name).toBeGreaterThan(0);
    expect(tally(fresh.web2)['HTTP 500']).toBeGreaterThan(0);
    expect(tally(fresh.web1)['HTTP 500']).toBeUndefined();
    expect(tally(fresh.web3)['HTTP 500']).toBeUndefined();
    expectOnlyAnswer(held, 'worked one', 10);
    await expectUndoneEverywhere('/fnext', holders, before);
  });
});
