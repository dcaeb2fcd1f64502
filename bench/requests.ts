/**
 * Item 3: how many Manager requests a decision costs, counted by a logging TCP proxy in front of
 * Tomcat (test/harness/fault-proxy.ts, in pass mode: it logs every request line). One Tomcat
 * with 5 apps x 20 versions, seen as two targets through two proxies so that "one list per
 * target" is visible per target.
 */
import type { ManagerClient } from '@tomcat-pd/core';
import { startFaultProxy } from '@tomcat-pd/testkit/fault-proxy';
import type { FaultProxy } from '@tomcat-pd/testkit/fault-proxy';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import { markdownTable, verdict } from './lib/markdown.js';
import type { Cell } from './lib/markdown.js';
import { requestsDuring, sameCounts, showCounts, totalRequests } from '@tomcat-pd/testkit/request-counts';
import type { RequestCounts } from '@tomcat-pd/testkit/request-counts';
import type { Section } from './lib/results.js';
import { withTempDir } from './lib/temp-dir.js';
import { clientOf, startTomcats, stopTomcats, writeTargetsConfig } from './lib/tomcats.js';
import type { TargetsConfig } from './lib/tomcats.js';

const APPS = ['/app1', '/app2', '/app3', '/app4', '/app5'];
const VERSIONS = 20;
/**
 * Versions that keep a visitor's session: drain must keep them, so the plan mixes "undeploy"
 * (no session, not live) with "keep" (sessions; the live one) in every app.
 */
const HELD_VERSIONS = new Set([5, 10, 15]);

const versionName = (n: number) => String(n).padStart(3, '0');

/** Deploys versions 001..020 of one app in order, opening a session on each held version. */
async function deployApp(
  client: ManagerClient,
  baseUrl: string,
  path: string,
  warFile: string,
): Promise<void> {
  for (let n = 1; n <= VERSIONS; n++) {
    const version = versionName(n);
    await client.deploy({ path, version, warFile });
    if (!HELD_VERSIONS.has(n)) continue;
    // The newest version takes new visitors, so this session lands on `version`.
    const visit = await new Visitor(baseUrl).get(`${path}/`);
    if (visit.version !== version || visit.sessionId === undefined) {
      throw new Error(`expected a session on ${path}##${version}, got: ${visit.body.slice(0, 200)}`);
    }
  }
}

/** The five apps deployed side by side (each app's versions in order: the live one is the last). */
async function deployApps(tomcat: LocalTomcatInstance, dir: string): Promise<void> {
  const warFile = await buildTestWar(dir, { label: 'requests' });
  const client = clientOf(tomcat);
  await Promise.all(APPS.map((path) => deployApp(client, tomcat.baseUrl, path, warFile)));
}

interface Measured {
  command: string;
  counts: RequestCounts[];
  expected: RequestCounts[];
}

/** A CLI run against the targets of a config file, its JSON answer parsed. */
type RunJson = (config: TargetsConfig, args: string[]) => Promise<DrainDocument>;

/**
 * `status` and the dry run through both proxies (two targets), then the real drain through the
 * first only; each with the requests every proxy logged meanwhile and what was expected.
 */
async function measureCommands(
  proxies: FaultProxy[],
  configs: { two: TargetsConfig; one: TargetsConfig },
  runJson: RunJson,
): Promise<{ measured: Measured[]; drained: DrainDocument }> {
  const measured: Measured[] = [];
  const readOnly = { list: 1 };
  for (const args of [
    ['status', '--json'],
    ['drain', '--dry-run', '--json'],
  ]) {
    const { counts } = await requestsDuring(proxies, () => runJson(configs.two, args));
    measured.push({ command: `tomcat-pd ${args.join(' ')}`, counts, expected: [readOnly, readOnly] });
  }
  const drainArgs = ['drain', '--grace', '0s', '--json'];
  const { result, counts } = await requestsDuring(proxies.slice(0, 1), () => runJson(configs.one, drainArgs));
  // The expectation follows from what the drain says it did: one list, then a re-check per undeploy.
  const undeployed = result.undeployed ?? Number.NaN;
  const expected = { list: 1 + undeployed, undeploy: undeployed };
  measured.push({ command: `tomcat-pd ${drainArgs.join(' ')}`, counts, expected: [expected] });
  return { measured, drained: result };
}

export async function benchRequests(log: (line: string) => void): Promise<Section> {
  return withTempDir('requests', async (dir) => {
    const tomcats = await startTomcats(1);
    const proxies: FaultProxy[] = [];
    try {
      const tomcat = tomcats[0]!;
      log(`  deploying ${APPS.length} apps x ${VERSIONS} versions ...`);
      await deployApps(tomcat, dir);
      const port = Number(new URL(tomcat.baseUrl).port);
      proxies.push(await startFaultProxy(port), await startFaultProxy(port));
      const { user, password } = tomcat;
      const targets = proxies.map((proxy) => ({ managerUrl: proxy.managerUrl, user, password }));
      const configs = {
        two: await writeTargetsConfig(dir, 'two-targets.json', targets),
        one: await writeTargetsConfig(dir, 'one-target.json', targets.slice(0, 1)),
      };
      const runJson: RunJson = async (config, args) => {
        const run = await runCli(['--config', config.configFile, ...args], { env: config.env, cwd: dir });
        return JSON.parse(assertSucceeded(run, `tomcat-pd ${args.join(' ')}`).stdout) as DrainDocument;
      };
      const { measured, drained } = await measureCommands(proxies, configs, runJson);
      return requestsSection(measured, drained);
    } finally {
      await Promise.allSettled(proxies.map((proxy) => proxy.close()));
      await stopTomcats(tomcats);
    }
  });
}

/** The part of the drain's JSON document read here (README, "JSON output"). */
interface DrainDocument {
  undeployed?: number;
  failed?: number;
  apps?: { path: string; versions: { action: string; outcome: string }[] }[];
}

/** `kept 20, undeployed 80` over the five apps of the real drain's report (not /manager). */
function drainOutcome(document: DrainDocument): string {
  const counts: RequestCounts = {};
  const apps = (document.apps ?? []).filter((app) => APPS.includes(app.path));
  for (const version of apps.flatMap((app) => app.versions)) {
    counts[version.outcome] = (counts[version.outcome] ?? 0) + 1;
  }
  return showCounts(counts);
}

function requestsSection(measured: Measured[], drained: DrainDocument): Section {
  const rows: Cell[][] = measured.flatMap((m) =>
    m.counts.map((counts, i) => [
      `\`${m.command}\``,
      `t${i + 1}`,
      totalRequests(counts),
      showCounts(counts),
      showCounts(m.expected[i]!),
      verdict(sameCounts(counts, m.expected[i]!)),
    ]),
  );
  const isMet = measured.every((m) => m.counts.every((counts, i) => sameCounts(counts, m.expected[i]!)));
  return {
    name: 'requests',
    title: '3. Manager requests per decision',
    body: [
      `One local Tomcat with ${APPS.length} apps x ${VERSIONS} versions (deployed with the library; ` +
        `versions ${[...HELD_VERSIONS].map(versionName).join(', ')} of each app hold a visitor's session, ` +
        `${versionName(VERSIONS)} is live). Every request line was logged by a TCP proxy in front of it ` +
        '(test/harness/fault-proxy.ts); `status` and the dry run see the Tomcat as two targets, t1 and t2, ' +
        'through two proxies (config file with `passwordEnv`), the real drain as t1 only. ' +
        'Counts are exact, not timed: one run of each.',
      '',
      markdownTable(['command', 'target', 'requests', 'by kind', 'expected', 'verdict'], rows),
      '',
      `The real drain's report: ${drainOutcome(drained)}; \`undeployed\` = ${drained.undeployed}, ` +
        `\`failed\` = ${drained.failed}.`,
      '',
      'Target: `status` and `drain --dry-run` send one `list` per target and nothing else; a real drain ' +
        'adds one re-check (`list`) per undeploy and nothing else: ' +
        `**${verdict(isMet)}**.`,
    ].join('\n'),
  };
}
