/**
 * The quick-start demo (`pnpm demo`): a throwaway local Tomcat, then the `tomcat-pd` command
 * as a person would type it: check a WAR, deploy it, sessions staying on their version, status,
 * drain, a broken release that its health probe refuses by itself, and what Tomcat knows of each
 * version. Visitors are real HTTP clients with cookies; the demo stops if one is not served as
 * it says.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTomcat } from '@tomcat-pd/testkit/start-tomcat';
import { buildHealthWar, type HealthMode } from '@tomcat-pd/testkit/test-war';
import { Visitor } from '@tomcat-pd/testkit/visitor';
import { CLI_BIN } from '@tomcat-pd/testkit/cli-bin';

const say = (text: string) => console.log(text);

/** Where and as whom `tomcat-pd` runs: in the folder of the WARs, with the Manager in its env. */
interface Shell {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Runs `tomcat-pd ARGS` as shown, and stops the demo if it does not exit with `expectedExit`. */
function tomcatPd(shell: Shell, args: string[], expectedExit = 0): void {
  say(`\n$ tomcat-pd ${args.join(' ')}`);
  const result = spawnSync(process.execPath, [CLI_BIN, ...args], { ...shell, stdio: 'inherit' });
  if (result.status !== expectedExit)
    throw new Error(`tomcat-pd ${args[0]} exited with ${result.status}, not ${expectedExit}`);
}

/** One visit to /shop/, shown, and the demo stops unless `release` served it. */
async function visit(who: string, visitor: Visitor, release: string): Promise<void> {
  const page = await visitor.get('/shop/');
  say(`  ${who} gets version ${page.version} (${page.label})`);
  if (page.label !== release) throw new Error(`${who} should have got ${release}: ${page.body}`);
}

async function main(): Promise<void> {
  say('Starting a throwaway Tomcat ...');
  const tomcat = await startTomcat();
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-demo-'));
  const shell: Shell = {
    cwd: dir,
    env: {
      ...process.env,
      TOMCAT_PD_URL: tomcat.managerUrl,
      TOMCAT_PD_USER: tomcat.user,
      TOMCAT_PD_PASSWORD: tomcat.password,
    },
  };
  // Each release has a health page, /shop/health; release 3's answers 500, as an app would that
  // starts without its database driver.
  const release = (name: string, health: HealthMode) =>
    buildHealthWar(dir, { label: name, health, fileName: `${name}.war` });
  try {
    say(`Manager: ${tomcat.managerUrl} (user ${tomcat.user}; the password is in TOMCAT_PD_PASSWORD)`);
    await release('release-1', 'ok');
    say('\nBefore it goes out, check reads a WAR for what breaks when two versions run side by side:');
    tomcatPd(shell, ['check', 'release-1.war', '--path', '/shop']);
    tomcatPd(shell, ['deploy', 'release-1.war', '--path', '/shop', '--probe', '/health']);
    const alice = new Visitor(tomcat.baseUrl);
    await visit('Alice opens a session and', alice, 'release-1');

    await release('release-2', 'ok');
    tomcatPd(shell, ['deploy', 'release-2.war', '--path', '/shop', '--probe', '/health']);
    await visit('Alice (with her session)', alice, 'release-1');
    await visit('A new visitor', new Visitor(tomcat.baseUrl), 'release-2');
    tomcatPd(shell, ['status']);

    say('\nAlice still has a session on 001, so a drain keeps it:');
    tomcatPd(shell, ['drain', '--dry-run']);
    say('\nAlice has left: expire her idle session, then drain.');
    tomcatPd(shell, ['drain', '--expire-idle', '0', '--grace', '1s']);
    await visit('Alice (her old cookie)', alice, 'release-2');

    await release('release-3', 'error');
    say(
      '\nRelease 3 is broken: its /health answers 500. The probe sees it, and tomcat-pd undoes it (exit 1):',
    );
    tomcatPd(shell, ['deploy', 'release-3.war', '--path', '/shop', '--probe', '/health'], 1);
    await visit('A new visitor', new Visitor(tomcat.baseUrl), 'release-2');

    say('\nWhat Tomcat knows of each version:');
    tomcatPd(shell, ['status', '--metrics']);
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
