import { expect } from 'vitest';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { jsonOf, type CliResult } from './cli-helpers.js';
import {
  repeatUntilStopped,
  type DeployDocument,
  type ErrorDocument,
  type ProbeEntry,
} from './probe-support.js';
import type { SessionHolder } from './session-counts.js';

// What the canary-analysis suites (analyze, analyze-fleet) share: the documents of
// `deploy --analyze`, and traffic to the flaky WAR's `/work` (packages/testkit/src/test-war.ts,
// `buildFlakyWar`) while a deploy runs: new visitors without cookies, who go to the newest
// version, and the holders of sessions on the old one, who stay on theirs. An analysis judges
// only requests; these loops make them.

/** A version's requests and errors over the analysis window (their growth), and their ratio. */
export interface WindowFigures {
  requests: number;
  errors: number;
  /** errors / requests, a fraction 0..1; `null` without requests. */
  errorRate: number | null;
}

/** One target's entry of a deploy document's `analysis` (or of an error target's `analysis`). */
export interface AnalysisEntry extends WindowFigures {
  target: string;
  verdict: 'pass' | 'inconclusive' | 'fail';
  /** The new version, the one judged. */
  version: string;
  /** The version that was live before, over the same window: reported, not judged. */
  baseline: (WindowFigures & { version: string }) | null;
  windowMs: number;
  samples: number;
  restarts: number;
  note?: string;
}

/** `tomcat-pd deploy --analyze --json`. */
export interface AnalyzedDeployDocument extends DeployDocument {
  analysis: AnalysisEntry[];
}

/** One target of a failed deploy's error document: its outcome, and its analysis if one ran there. */
export interface AnalysisErrorTarget {
  target: string;
  outcome: string;
  error?: { code: string; message: string };
  probes?: ProbeEntry[];
  analysis?: AnalysisEntry;
}

/** A failed deploy's error document, with each target's analysis. */
export interface AnalysisErrorDocument {
  error: Omit<ErrorDocument['error'], 'targets'> & { targets?: AnalysisErrorTarget[] };
}

/** The error document of a deploy that must have failed with `expectedCode` (exit 1 for a failed analysis). */
export function analysisErrorOf(result: CliResult, expectedCode = 1): AnalysisErrorDocument {
  const document = jsonOf<AnalysisErrorDocument>(result, expectedCode);
  expect(Object.keys(document)).toEqual(['error']);
  return document;
}

/** Every analysis an error document tells of, target by target. */
export function analysesOfError(document: AnalysisErrorDocument): AnalysisEntry[] {
  return (document.error.targets ?? []).flatMap((t) => (t.analysis === undefined ? [] : [t.analysis]));
}

/** `[target, outcome]` of each target of an error document. */
export function outcomesOf(document: AnalysisErrorDocument): [string, string][] {
  return (document.error.targets ?? []).map((t) => [t.target, t.outcome]);
}

/** What one request of `/work` got: `worked two`, or `HTTP 500` (Tomcat's page for the exception). */
export type WorkAnswer = string;

/** Requests to `/work` that keep coming until stopped. */
export interface Traffic {
  /** Stops after the requests under way; resolves with what each got, in order. */
  stop(): Promise<WorkAnswer[]>;
}

/** What a GET of `/work` got, in short: the body of a 200 (`worked one`), else `HTTP <status>`. */
async function work(visitor: Visitor, path: string): Promise<WorkAnswer> {
  const visit = await visitor.get(`${path}/work`);
  return visit.status === 200 ? visit.body.trim() : `HTTP ${visit.status}`;
}

/**
 * A new visitor (no cookie) asks `path/work` on `baseUrl` every `everyMs` until stopped: the
 * people arriving during the analysis, whom Tomcat sends to the newest version. `/work` opens no
 * session, so this traffic adds none to any version.
 */
export function newVisitorsWork(baseUrl: string, path: string, everyMs = 50): Traffic {
  return repeatUntilStopped(() => work(new Visitor(baseUrl), path), everyMs);
}

/**
 * Each holder asks `/work` of its path with its cookie, in turn, every `everyMs`, until
 * stopped: visitors who keep using the old version while the new one is watched (its baseline).
 */
export function holdersWork(holders: readonly SessionHolder[], everyMs = 100): Traffic {
  let next = 0;
  return repeatUntilStopped(() => {
    const holder = holders[next++ % holders.length];
    if (holder === undefined) throw new Error('holdersWork needs at least one holder');
    return work(holder.visitor, holder.path);
  }, everyMs);
}

/** Stops every loop at once; resolves with each one's answers, in the same order. */
export function stopAll(...traffic: Traffic[]): Promise<WorkAnswer[][]> {
  return Promise.all(traffic.map((t) => t.stop()));
}

/** `{ 'worked one': 40, 'HTTP 500': 3 }`: how often each answer came. */
export function tally(answers: readonly WorkAnswer[]): Record<WorkAnswer, number> {
  const counts: Record<WorkAnswer, number> = {};
  for (const answer of answers) counts[answer] = (counts[answer] ?? 0) + 1;
  return counts;
}

/** Every answer was `answer` (and there were at least `atLeast`): nobody saw another version. */
export function expectOnlyAnswer(answers: readonly WorkAnswer[], answer: WorkAnswer, atLeast = 1): void {
  expect(answers.length, 'requests made').toBeGreaterThanOrEqual(atLeast);
  expect(Object.keys(tally(answers)), 'what the requests got').toEqual([answer]);
}

/**
 * The figures of an entry are consistent: errors within requests, and the rate their ratio
 * (`null` without requests).
 */
export function expectConsistent(figures: WindowFigures, what: string): void {
  expect(figures.errors, `${what}: errors`).toBeGreaterThanOrEqual(0);
  expect(figures.errors, `${what}: errors within requests`).toBeLessThanOrEqual(figures.requests);
  if (figures.requests === 0) expect(figures.errorRate, `${what}: rate without requests`).toBeNull();
  else expect(figures.errorRate, `${what}: rate`).toBeCloseTo(figures.errors / figures.requests, 6);
}
