/**
 * The quick-start demo (`pnpm demo`): a throwaway local Tomcat, then the `tomcat-pd` command
 * as a person would type it: deploy, sessions staying on their version, status, drain and
 * rollback. Visitors are real HTTP clients with cookies.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';

const bin = fileURLToPath(new URL('../packages/cli/bin/tomcat-pd.js', import.meta.url));
const say = (text: string) => console.log(text);

/** Runs `tomcat-pd ARGS` as shown, and stops the demo if it fails. */
function tomcatPd(env: NodeJS.ProcessEnv, ...args: string[]): void {
  say(`\n$ tomcat-pd ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [bin, ...args], { env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`tomcat-pd ${args[0]} exited with ${result.status}`);
}

async function visit(who: string, visitor: Visitor): Promise<void> {
  const page = await visitor.get('/shop/');
  say(`  ${who} gets version ${page.version} (${page.label})`);
}

async function main(): Promise<void> {
  say('Starting a throwaway Tomcat ...');
  const tomcat = await startTomcat();
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-demo-'));
  const war = (label: string) => buildTestWar(dir, { label, fileName: `${label}.war` });
  const env = {
    ...process.env,
    TOMCAT_PD_URL: tomcat.managerUrl,
    TOMCAT_PD_USER: tomcat.user,
    TOMCAT_PD_PASSWORD: tomcat.password,
  };
  try {
    say(`Manager: ${tomcat.managerUrl} (user ${tomcat.user}; the password is in TOMCAT_PD_PASSWORD)`);
    tomcatPd(env, 'deploy', await war('release-1'), '--path', '/shop');
    const alice = new Visitor(tomcat.baseUrl);
    await visit('Alice opens a session and', alice);

    tomcatPd(env, 'deploy', await war('release-2'), '--path', '/shop');
    await visit('Alice (with her session)', alice);
    await visit('A new visitor', new Visitor(tomcat.baseUrl));
    tomcatPd(env, 'status');

    say('\nAlice still has a session on 001, so a drain keeps it:');
    tomcatPd(env, 'drain', '--dry-run');
    say('\nAlice has left: expire her idle session, then drain.');
    tomcatPd(env, 'drain', '--expire-idle', '0', '--grace', '1s');
    await visit('Alice (her old cookie)', alice);

    tomcatPd(env, 'deploy', await war('release-3-broken'), '--path', '/shop');
    say('\nRelease 3 is bad: roll back.');
    tomcatPd(env, 'rollback', '--path', '/shop');
    await visit('A new visitor', new Visitor(tomcat.baseUrl));
    tomcatPd(env, 'status');
    say('\nDone: the throwaway Tomcat is stopped and removed.');
  } finally {
    await tomcat.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
