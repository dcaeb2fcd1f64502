/**
 * The quick-start demo: a throwaway local Tomcat, then deploy, sessions staying on their
 * version, drain and rollback through @tomcat-pd/core. Run with `pnpm demo`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createManagerClient, deploy, drain, getStatus, rollback, type ManagerClient } from '@tomcat-pd/core';
import { startTomcat } from '../test/harness/start-tomcat.js';
import { buildTestWar } from '../test/harness/test-war.js';
import { Visitor } from '../test/harness/visitor.js';

const say = (text: string) => console.log(text);

async function showStatus(client: ManagerClient): Promise<void> {
  const [app] = (await getStatus(client, { path: '/shop' })).apps;
  for (const v of app?.versions ?? [])
    say(
      `    /shop##${v.version}  ${v.state.padEnd(8)} ${String(v.sessions).padStart(2)} sessions  ${v.role}`,
    );
}

async function main(): Promise<void> {
  say('Starting a throwaway Tomcat ...');
  const tomcat = await startTomcat();
  const wars = await mkdtemp(join(tmpdir(), 'tomcat-pd-demo-'));
  try {
    say(`  Manager at ${tomcat.managerUrl} (${tomcat.kind})`);
    const client = createManagerClient({
      url: tomcat.managerUrl,
      user: tomcat.user,
      password: tomcat.password,
    });
    const war = (label: string) => buildTestWar(wars, { label, fileName: `${label}.war` });

    const v1 = await deploy(client, { path: '/shop', warFile: await war('release-1') });
    say(`\n1. Deployed ${v1.displayName}: it is live.`);
    const alice = new Visitor(tomcat.baseUrl);
    const seen = await alice.get('/shop/');
    say(`   Alice opens a session on ${seen.version} (${seen.label}).`);

    const v2 = await deploy(client, { path: '/shop', warFile: await war('release-2') });
    say(
      `\n2. Deployed ${v2.displayName}; ${v2.olderVersions.map((o) => `${o.version} keeps ${o.sessions} session(s)`).join(', ')}.`,
    );
    say(
      `   Alice still gets ${(await alice.get('/shop/')).version}; a new visitor gets ${(await new Visitor(tomcat.baseUrl).get('/shop/')).version}.`,
    );
    await showStatus(client);

    const kept = await drain(client, { path: '/shop', graceMs: 1_000 });
    say(
      `\n3. Drain: ${kept.apps[0]?.versions.map((v) => `${v.version} ${v.outcome} (${v.reason})`).join('; ')}.`,
    );
    const drained = await drain(client, { path: '/shop', graceMs: 1_000, expireIdleMinutes: 0 });
    say(`   Drain, expiring idle sessions first: undeployed ${drained.undeployed} version(s).`);
    await showStatus(client);

    const v3 = await deploy(client, { path: '/shop', warFile: await war('release-3-broken') });
    say(`\n4. Deployed ${v3.displayName} ... and it is bad.`);
    const back = await rollback(client, { path: '/shop' });
    say(
      `   Rolled back from ${back.from} to ${back.live}; new visitors get ${(await new Visitor(tomcat.baseUrl).get('/shop/')).version}.`,
    );
    await showStatus(client);
    say('\nDone: the throwaway Tomcat is stopped and removed.');
  } finally {
    await tomcat.stop();
    await rm(wars, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
