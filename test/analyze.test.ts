import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  type AnalyzedDeployDocument,
  type WorkAnswer,
} from './analyze-support.js';
import { cliAgainst, expectExit, jsonOf, type CliResult } from './cli-helpers.js';
import { startLocalTomcat, type LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildFlakyWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { errorOf, timed, type StatusDocument } from './probe-support.js';
import {
  expectSessionsKept,
  openSessions,
  sessionChanges,
  sessionsByVersion,
  type SessionHolder,
} from './session-counts.js';
import { useTomcat } from './support.js';

// Canary analysis (issue 12): `deploy --analyze 10s` watches the new version on Tomcat's status
// page once it is live; an error rate above --max-error-rate, once --min-requests were seen,
// undoes it (the previous version takes new visitors again, its sessions untouched), and too few
// requests is inconclusive (kept with a warning, or undone with --on-inconclusive rollback). The
// WAR's /work throws on every failEvery-th request (buildFlakyWar): Tomcat counts an uncaught
// exception as an error. New visitors without cookies ask /work all through the window; two
// holders of sessions on 001 keep asking it too (the baseline). Each test uses its own path, one
// after the other on one Tomcat 10.1; a 9.0.70 beside it has no status JSON.

const fixture = useTomcat();
const cli = cliAgainst(() => fixture.tomcat);
let tomcat9: LocalTomcatInstance;
const cli9 = cliAgainst(() => tomcat9);

beforeAll(async () => {
  tomcat9 = await startLocalTomcat({ line: '9.0' });
});
afterAll(() => tomcat9?.stop());

/** The analysis of these tests: a 10 s window, read every 5 s (the least), a verdict from 10 requests. */
const ANALYZE = ['--analyze', '10s', '--interval', '5s', '--min-requests', '10'] as const;

/** A deploy with a 10 s analysis takes 12-20 s: more than runCli's default 30 s must not kill it. */
const DEPLOY_MS = { timeoutMs: 60_000 };

/** A flaky WAR (see `buildFlakyWar`) in the suite's WAR folder; `failEvery` 0 never fails. */
function flakyWar(label: string, failEvery: number, fileName?: string): Promise<string> {
  return buildFlakyWar(fixture.warDir, { label, failEvery, fileName });
}

/** `[version, role, sessions]` of every version of `path`, from `tomcat-pd status --json`. */
async function versionsOf(path: string, run = cli): Promise<[string, string, number][]> {
  const document = jsonOf<StatusDocument>(await run(['status', '--path', path, '--json']));
  return (document.apps[0]?.versions ?? []).map((v) => [v.version, v.role, v.sessions]);
}

/** A healthy 001 (label `one`, /work never fails) live on `path`, two visitors holding sessions on it. */
async function liveWithSessions(
  path: string,
): Promise<{ holders: SessionHolder[]; before: Record<string, number> }> {
  const war = await flakyWar('one', 0, `${path.slice(1)}-one.war`);
  expectExit(await cli(['deploy', war, '--path', path, '--quiet']), 0);
  const holders = await openSessions(fixture.tomcat.baseUrl, path, 2, '001');
  const before = await sessionsByVersion(fixture.client, path);
  expect(before).toEqual({ '001': 2 });
  return { holders, before };
}

/**
 * Runs `tomcat-pd ARGS` while new visitors ask `path/work` (one every 50 ms) and the holders
 * ask it on their version (one every 100 ms, in turn): what each got, and how long the run took.
 */
async function underTraffic(
  path: string,
  holders: readonly SessionHolder[],
  args: readonly string[],
): Promise<{ result: CliResult; ms: number; fresh: WorkAnswer[]; held: WorkAnswer[] }> {
  const visitors = newVisitorsWork(fixture.tomcat.baseUrl, path);
  const regulars = holdersWork(holders);
  const { value: result, ms } = await timed(() => cli(args, DEPLOY_MS));
  const [fresh, held] = await stopAll(visitors, regulars);
  return { result, ms, fresh: fresh ?? [], held: held ?? [] };
}

/**
 * After a deploy was undone: the versions are `expected` (`[version, role, sessions]`), no version
 * gained or lost a session, every holder keeps its own, and a new visitor gets `label`.
 */
async function expectUndone(
  path: string,
  holders: SessionHolder[],
  before: Record<string, number>,
  expected: [string, string, number][],
  label: string,
) {
  expect(await versionsOf(path)).toEqual(expected);
  expect(sessionChanges(before, await sessionsByVersion(fixture.client, path))).toEqual({});
  await expectSessionsKept(holders);
  expect(await new Visitor(fixture.tomcat.baseUrl).get(`${path}/`)).toMatchObject({ status: 200, label });
}

describe('deploy --analyze', () => {
  it('a release whose /work fails every 2nd request is undone: 001 takes new visitors again, its sessions kept', async () => {
    const { holders, before } = await liveWithSessions('/abad');
    const { result, fresh, held } = await underTraffic('/abad', holders, [
      'deploy',
      await flakyWar('two', 2, 'abad-two.war'),
      '--path',
      '/abad',
      ...ANALYZE,
      '--json',
    ]);
    const document = analysisErrorOf(result);
    expect(document.error.code).toBe('E_ANALYSIS');
    expect(outcomesOf(document)).toEqual([[fixture.tomcat.managerUrl, 'failed']]);
    const [analysis, ...more] = analysesOfError(document);
    expect(more).toEqual([]);
    expect(analysis).toMatchObject({
      target: fixture.tomcat.managerUrl,
      verdict: 'fail',
      version: '002',
      restarts: 0,
    });
    if (analysis === undefined) return;
    expectConsistent(analysis, '002');
    expect(analysis.requests).toBeGreaterThanOrEqual(10);
    // Every other request threw: about half of them are errors.
    expect(analysis.errorRate).toBeGreaterThan(0.3);
    expect(analysis.errorRate).toBeLessThan(0.7);
    // Only the new visitors reached 002 (nothing else asks the app): Tomcat counted no more
    // requests or errors than they made and got.
    const seen = tally(fresh);
    expect(analysis.requests).toBeLessThanOrEqual((seen['worked two'] ?? 0) + (seen['HTTP 500'] ?? 0));
    expect(analysis.errors).toBeLessThanOrEqual(seen['HTTP 500'] ?? 0);
    // 001 over the same window: the holders' requests, none of them failed.
    expect(analysis.baseline).toMatchObject({ version: '001', errors: 0, errorRate: 0 });
    expect(analysis.baseline?.requests).toBeGreaterThan(0);
    // It stopped at the first reading that showed the failure (5 s in), not at the window's end.
    expect(analysis.samples).toBe(2);
    expect(analysis.windowMs).toBeGreaterThanOrEqual(5_000);
    expect(analysis.windowMs).toBeLessThan(10_000);
    // The message: the version, its error rate, the requests, the limit, its removal, what is live.
    const { message } = document.error;
    expect(message).toContain('002');
    expect(message).toContain(`${Number(((analysis.errorRate ?? 0) * 100).toFixed(1))}%`);
    expect(message).toContain(`${analysis.requests} requests`);
    expect(message).toMatch(/limit 5%/);
    expect(message).toMatch(/undeployed/);
    expect(message).toMatch(/version 001 is live again/);
    // The holders stayed on 001 all along; the new visitors got 002 while it was live, and its 500s.
    expectOnlyAnswer(held, 'worked one', 10);
    expect(seen['worked two']).toBeGreaterThan(0);
    expect(seen['HTTP 500']).toBeGreaterThan(0);
    await expectUndone('/abad', holders, before, [['001', 'live', 2]], 'one');
  });

  it('a bad first release is removed: no version of the app is left, and it had no baseline', async () => {
    const visitors = newVisitorsWork(fixture.tomcat.baseUrl, '/afirst');
    const result = await cli(
      ['deploy', await flakyWar('first', 2), '--path', '/afirst', ...ANALYZE, '--json'],
      DEPLOY_MS,
    );
    const seen = tally(await visitors.stop());
    const document = analysisErrorOf(result);
    expect(document.error.code).toBe('E_ANALYSIS');
    const [analysis, ...more] = analysesOfError(document);
    expect(more).toEqual([]);
    expect(analysis).toMatchObject({ verdict: 'fail', version: '001', baseline: null });
    expect(analysis?.errorRate).toBeGreaterThan(0.3);
    expect(analysis?.errorRate).toBeLessThan(0.7);
    expect(document.error.message).toMatch(/undeployed; no version of \/afirst is deployed now/);
    // Before it was live and after it went, the new visitors got 404; in between, its answers and its 500s.
    expect(Object.keys(seen).sort()).toEqual(['HTTP 404', 'HTTP 500', 'worked first']);
    expect(await versionsOf('/afirst')).toEqual([]);
    expect((await new Visitor(fixture.tomcat.baseUrl).get('/afirst/')).status).toBe(404);
  });

  it('a healthy release passes the whole window: 002 stays live, 001 keeps its sessions', async () => {
    const { holders, before } = await liveWithSessions('/aok');
    const { result, ms, fresh, held } = await underTraffic('/aok', holders, [
      'deploy',
      await flakyWar('two', 0, 'aok-two.war'),
      '--path',
      '/aok',
      ...ANALYZE,
      '--json',
    ]);
    const document = jsonOf<AnalyzedDeployDocument>(result);
    expect(document).toMatchObject({ path: '/aok', version: '002' });
    expect(document.analysis).toHaveLength(1);
    const [analysis] = document.analysis;
    expect(analysis).toMatchObject({
      target: fixture.tomcat.managerUrl,
      verdict: 'pass',
      version: '002',
      errors: 0,
      errorRate: 0,
      restarts: 0,
    });
    if (analysis === undefined) return;
    expectConsistent(analysis, '002');
    expect(analysis.requests).toBeGreaterThanOrEqual(10);
    expect(analysis.requests).toBeLessThanOrEqual(tally(fresh)['worked two'] ?? 0);
    expect(analysis.baseline).toMatchObject({ version: '001', errors: 0, errorRate: 0 });
    expect(analysis.baseline?.requests).toBeGreaterThan(0);
    // A pass needs the whole window: read at its start, every 5 s, and at its end.
    expect(analysis.windowMs).toBeGreaterThanOrEqual(10_000);
    expect(analysis.windowMs).toBeLessThan(20_000);
    expect(analysis.samples).toBeGreaterThanOrEqual(3);
    expect(ms).toBeGreaterThanOrEqual(10_000);
    // New visitors got 001 until 002 was live, then 002, never an error; the holders stayed on 001.
    expect(Object.keys(tally(fresh)).sort()).toEqual(['worked one', 'worked two']);
    expect(fresh.at(-1)).toBe('worked two');
    expectOnlyAnswer(held, 'worked one', 10);
    expect(await versionsOf('/aok')).toEqual([
      ['001', 'draining', 2],
      ['002', 'live', 0],
    ]);
    expect(sessionChanges(before, await sessionsByVersion(fixture.client, '/aok'))).toEqual({});
    await expectSessionsKept(holders);
    expect(await new Visitor(fixture.tomcat.baseUrl).get('/aok/')).toMatchObject({ label: 'two' });
  });

  it('a window without traffic is inconclusive: kept with a warning; --on-inconclusive rollback undoes it', async () => {
    const { holders, before } = await liveWithSessions('/anone');
    // Nobody asks the app during the window: no request, so no verdict.
    const kept = await cli(
      ['deploy', await flakyWar('two', 0, 'anone-two.war'), '--path', '/anone', ...ANALYZE, '--json'],
      DEPLOY_MS,
    );
    const document = jsonOf<AnalyzedDeployDocument>(kept);
    expect(document.version).toBe('002');
    expect(document.analysis).toEqual([
      expect.objectContaining({
        target: fixture.tomcat.managerUrl,
        verdict: 'inconclusive',
        version: '002',
        requests: 0,
        errors: 0,
        errorRate: null,
        baseline: { version: '001', requests: 0, errors: 0, errorRate: null },
      }),
    ]);
    expect(document.analysis[0]?.windowMs).toBeGreaterThanOrEqual(10_000);
    // The warning is on stderr, beside the JSON document on stdout.
    expect(kept.stderr).toMatch(/inconclusive/);
    expect(kept.stderr).toMatch(/kept/);
    expect(await versionsOf('/anone')).toEqual([
      ['001', 'draining', 2],
      ['002', 'live', 0],
    ]);

    // The same again with 003, asked to undo an inconclusive release: 002 is live again.
    const undone = expectExit(
      await cli(
        [
          'deploy',
          await flakyWar('three', 0, 'anone-three.war'),
          '--path',
          '/anone',
          ...ANALYZE,
          '--on-inconclusive',
          'rollback',
        ],
        DEPLOY_MS,
      ),
      1,
    );
    expect(undone.stdout).toBe('');
    expect(undone.stderr).toMatch(/003/);
    expect(undone.stderr).toMatch(/inconclusive/);
    expect(undone.stderr).toMatch(/fewer than the 10 requests a verdict needs/);
    expect(undone.stderr).toMatch(/undeployed/);
    expect(undone.stderr).toMatch(/version 002 is live again/);
    await expectUndone(
      '/anone',
      holders,
      before,
      [
        ['001', 'draining', 2],
        ['002', 'live', 0],
      ],
      'two',
    );
  }, 90_000);
});

// Each of these is one short CLI run that changes nothing: they run at once.
describe.concurrent('analysis options that make no sense: exit 2 before anything is sent', () => {
  it.each([
    [['--analyze', '10s', '--interval', '1s'], /at least 5 ?s/],
    [['--analyze', '10s', '--max-error-rate', '150'], /150/],
    [['--analyze', '10s', '--max-error-rate', 'abc'], /"abc"/],
    [['--analyze', '10s', '--min-requests', '-1'], /-1/],
    [['--analyze', 'soon'], /"soon"/],
    [['--analyze', '10s', '--on-inconclusive', 'maybe'], /maybe/],
    [['--max-error-rate', '5'], /--max-error-rate.*--analyze/],
    [['--min-requests', '10'], /--min-requests.*--analyze/],
    [['--interval', '5s'], /--interval.*--analyze/],
    [['--on-inconclusive', 'rollback'], /--on-inconclusive.*--analyze/],
  ])('deploy %j', async (args, message) => {
    // Against the real Tomcat: had it been sent, the deploy would have gone through (exit 0).
    const war = await flakyWar('never', 0);
    const result = expectExit(await cli(['deploy', war, '--path', '/anever', ...args]), 2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});

describe('after the refused deploys', () => {
  it('nothing was deployed by any of them', async () => {
    expect(await versionsOf('/anever')).toEqual([]);
  });
});

describe('deploy --analyze on a Tomcat without the status JSON', () => {
  it('9.0.70: a usage error (exit 2) naming 9.0.83, before anything is uploaded', async () => {
    const war = await flakyWar('nine', 0);
    const text = expectExit(await cli9(['deploy', war, '--path', '/a9', '--analyze', '10s']), 2);
    expect(text.stderr).toContain('9.0.70');
    expect(text.stderr).toContain('9.0.83');
    expect(text.stdout).toBe('');
    const document = errorOf(await cli9(['deploy', war, '--path', '/a9', '--analyze', '10s', '--json']), 2);
    expect(document.error.code).toBe('E_USAGE');
    expect(document.error.message).toContain('9.0.83');
    expect(await versionsOf('/a9', cli9)).toEqual([]);
    // The same deploy without --analyze goes through there: only the analysis was refused.
    expectExit(await cli9(['deploy', war, '--path', '/a9', '--quiet']), 0);
    expect(await versionsOf('/a9', cli9)).toEqual([['001', 'live', 0]]);
  });
});
