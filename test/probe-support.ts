import { expect } from 'vitest';
import { cliAgainst, expectExit, jsonOf, type CliResult } from './cli-helpers.js';
import { buildHealthWar, type HealthMode } from '@tomcat-pd/testkit/test-war';
import { Visitor, type Visit } from '@tomcat-pd/testkit/visitor';
import { openSessions, sessionsByVersion, type SessionHolder } from './session-counts.js';
import type { TomcatFixture } from './support.js';

// What the probe suites (probe, smoke, probe-fleet) share: the documents of `--probe` and
// `--smoke`, a compact form of their probes to compare, a clock, and visitors that keep coming
// while a command runs (a failed deploy must never be seen by one).

/** One entry of a document's `probes` (or of an error target's `probes`). */
export interface ProbeEntry {
  phase: 'smoke' | 'live' | 'after';
  target: string;
  url: string;
  /** `null` when the app gave no answer (refused, timed out). */
  status?: number | null;
  ms: number;
  ok: boolean;
  detail?: string;
}

/** `tomcat-pd deploy --json` with probes. */
export interface DeployDocument {
  path: string;
  version: string;
  targets: { target: string; live: string; previousLive: string | null }[];
  probes: ProbeEntry[];
}

/** The `{ error }` document of a failed command. */
export interface ErrorDocument {
  error: {
    name: string;
    code: string;
    message: string;
    hint?: string;
    probes?: ProbeEntry[];
    targets?: {
      target: string;
      outcome: string;
      error?: { code: string; message: string };
      probes?: ProbeEntry[];
    }[];
  };
}

/** `status --json`. */
export interface StatusDocument {
  apps: {
    target: string;
    path: string;
    live: string | null;
    versions: { version: string; state: string; sessions: number; role: string; name: string }[];
  }[];
  errors: unknown[];
}

/** `[phase, url, status, ok]` of each probe: what a test compares (the `ms` vary). */
export type ProbeSummary = [ProbeEntry['phase'], string, number | null | undefined, boolean];

export function summary(probes: readonly ProbeEntry[] | undefined): ProbeSummary[] {
  return (probes ?? []).map((p) => [p.phase, p.url, p.status, p.ok]);
}

/** Every probe an error document tells of, target by target (a fleet error keeps them per target). */
export function probesOfError(document: ErrorDocument): ProbeEntry[] {
  return (document.error.targets ?? []).flatMap((t) => t.probes ?? []);
}

/** The error document of a run that must have failed with `code` (exit 1 for a failed probe). */
export function errorOf(result: CliResult, expectedCode = 1): ErrorDocument {
  const document = jsonOf<ErrorDocument>(result, expectedCode);
  expect(Object.keys(document)).toEqual(['error']);
  return document;
}

/** Smoke contexts (`/app-smoke-1a2b`, `/ROOT-smoke-1a2b`) in a status document: none should be left. */
export function smokeContexts(status: StatusDocument): string[] {
  return status.apps.filter((app) => /-smoke-[0-9a-f]{4}$/.test(app.path)).map((app) => app.path);
}

/** Runs `run` and says how long it took. */
export async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await run();
  return { value, ms: Date.now() - started };
}

/** `http://127.0.0.1:8080` → `http://localhost:8080`: the same Tomcat under another name (for `--app-url`). */
export function viaLocalhost(baseUrl: string): string {
  const url = new URL(baseUrl);
  url.hostname = 'localhost';
  return url.origin;
}

/** New visitors of `path` (each its own browser, without a cookie) one after the other until stopped. */
export interface Stream {
  /** Stops after the visit under way; resolves with every visit made. */
  stop(): Promise<Visit[]>;
}

/**
 * Sends a new visitor to `path` (e.g. `/app`) every `everyMs` until `stop()`: what the people
 * arriving during a deploy would see. Each visit opens a session on the version that answers.
 */
export function keepVisiting(baseUrl: string, path: string, everyMs = 50): Stream {
  return repeatUntilStopped(() => new Visitor(baseUrl).get(`${path}/`), everyMs);
}

/** Runs `request` over and over, `everyMs` apart, until `stop()`, which resolves with every answer. */
export function repeatUntilStopped<T>(request: () => Promise<T>, everyMs: number): { stop(): Promise<T[]> } {
  const answers: T[] = [];
  let stopped = false;
  const running = (async () => {
    while (!stopped) {
      answers.push(await request());
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await running;
      return answers;
    },
  };
}

/** Every visit got `label` (and there were some): no visitor saw another version. */
export function expectOnly(visits: readonly Visit[], label: string, atLeast = 1): void {
  expect(visits.length, 'visits made').toBeGreaterThanOrEqual(atLeast);
  const seen = [...new Set(visits.map((v) => (v.status === 200 ? v.label : `HTTP ${v.status}`)))];
  expect(seen, 'what the new visitors got').toEqual([label]);
}

/** The helpers the single-Tomcat probe suites share, bound to the suite's Tomcat. */
export interface ProbeSuite {
  /** `tomcat-pd ARGS` against the suite's Tomcat. */
  cli: (args: readonly string[]) => Promise<CliResult>;
  /** A health WAR (see `buildHealthWar`) in the suite's WAR folder. */
  healthWar: (label: string, health: HealthMode, readyAfterMs?: number) => Promise<string>;
  /** `[version, role, sessions]` of every version of `path`, from `tomcat-pd status --json`. */
  versionsOf: (path: string) => Promise<[string, string, number][]>;
  /** A live, healthy 001 (label `one`) of `path`, two visitors holding sessions on it, and the count. */
  liveWithSessions: (path: string) => Promise<{ holders: SessionHolder[]; before: Record<string, number> }>;
}

export function probeSuite(fixture: TomcatFixture): ProbeSuite {
  const cli = cliAgainst(() => fixture.tomcat);
  const healthWar: ProbeSuite['healthWar'] = (label, health, readyAfterMs) =>
    buildHealthWar(fixture.warDir, { label, health, readyAfterMs });
  return {
    cli,
    healthWar,
    async versionsOf(path) {
      const document = jsonOf<StatusDocument>(await cli(['status', '--path', path, '--json']));
      return (document.apps[0]?.versions ?? []).map((v) => [v.version, v.role, v.sessions]);
    },
    async liveWithSessions(path) {
      expectExit(await cli(['deploy', await healthWar('one', 'ok'), '--path', path, '--quiet']), 0);
      const holders = await openSessions(fixture.tomcat.baseUrl, path, 2, '001');
      const before = await sessionsByVersion(fixture.client, path);
      expect(before).toEqual({ '001': 2 });
      return { holders, before };
    },
  };
}
