/**
 * How many Manager requests a command sends, counted by a logging TCP proxy in front of Tomcat
 * (testkit's fault proxy, which logs every request line). One Tomcat with 5 apps x 20 versions
 * (versions 005, 010 and 015 of each hold a visitor's session, 020 is live); `status` and
 * `drain --dry-run` see it as two targets through two proxies, the real drain as one. Counts,
 * not times: one run of each.
 */
import type { ManagerClient } from '@tomcat-pd/core';
import { startFaultProxy, type FaultProxy } from '@tomcat-pd/testkit/fault-proxy';
import type { LocalTomcatInstance } from '@tomcat-pd/testkit/local-tomcat';
import { requestsDuring } from '@tomcat-pd/testkit/request-counts';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { assertSucceeded, runCli } from './lib/cli-process.js';
import type { Benchmark, Table } from './lib/record.js';
import { withTempDir } from './lib/temp-dir.js';
import {
  clientOf,
  startTomcats,
  stopTomcats,
  writeTargetsConfig,
  type TargetsConfig,
} from './lib/tomcats.js';

const APPS = ['/app1', '/app2', '/app3', '/app4', '/app5'];
const VERSIONS = 20;
/** Versions that keep a visitor's session: the drain keeps them, and undeploys the others but the live one. */
const HELD_VERSIONS = new Set([5, 10, 15]);

/** Deploys versions 001..020 of one app in order, opening a session on each held version. */
async function deployApp(client: ManagerClient, baseUrl: string, path: string, war: string): Promise<void> {
  for (let n = 1; n <= VERSIONS; n++) {
    const version = String(n).padStart(3, '0');
    await client.deploy({ path, version, warFile: war });
    if (!HELD_VERSIONS.has(n)) continue;
    // The newest version takes new visitors, so this session lands on `version`.
    const visit = await new Visitor(baseUrl).get(`${path}/`);
    if (visit.version !== version || visit.sessionId === undefined) {
      throw new Error(`expected a session on ${path}##${version}, got: ${visit.body.slice(0, 200)}`);
    }
  }
}

async function deployApps(tomcat: LocalTomcatInstance, dir: string): Promise<void> {
  const war = await buildTestWar(dir, { label: 'requests' });
  await Promise.all(APPS.map((path) => deployApp(clientOf(tomcat), tomcat.baseUrl, path, war)));
}

/** Runs `tomcat-pd --config FILE ARGS` through `proxies` and adds a row per target: the requests by kind. */
async function count(
  table: Table,
  proxies: readonly FaultProxy[],
  config: TargetsConfig,
  args: string[],
  dir: string,
): Promise<void> {
  const command = `tomcat-pd ${args.join(' ')}`;
  const { result, counts } = await requestsDuring(proxies, () =>
    runCli(['--config', config.configFile, ...args], { env: config.env, cwd: dir }),
  );
  assertSucceeded(result, command);
  counts.forEach((kinds, i) => (table[`${command}, t${i + 1}`] = kinds));
}

export const benchRequests: Benchmark = (_settings, log) =>
  withTempDir('requests', async (dir) => {
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
      const two = await writeTargetsConfig(dir, 'two-targets.json', targets);
      const one = await writeTargetsConfig(dir, 'one-target.json', targets.slice(0, 1));
      const table: Table = {};
      await count(table, proxies, two, ['status'], dir);
      await count(table, proxies, two, ['drain', '--dry-run'], dir);
      await count(table, proxies.slice(0, 1), one, ['drain', '--grace', '0s'], dir);
      const left = (await clientOf(tomcat).list()).filter((entry) => APPS.includes(entry.path)).length;
      return { table, samples: { versionsBefore: APPS.length * VERSIONS, versionsAfterDrain: left } };
    } finally {
      await Promise.allSettled(proxies.map((proxy) => proxy.close()));
      await stopTomcats(tomcats);
    }
  });
