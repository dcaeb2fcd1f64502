// @ts-check
/**
 * Installs the Debian packages that the demo or the test suites need and this machine lacks:
 * `node scripts/install-system-packages.mjs demo|test`. Plain Node with no dependencies, so that
 * it runs before pnpm or the project's node_modules exist (.ci/run calls it first).
 *
 * Prints nothing when everything is there. As root on Debian or Ubuntu it installs what is
 * missing with apt-get, saying so on one line; elsewhere it exits 2 with the command to run.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * @typedef {'demo' | 'test'} Purpose
 * @typedef {{ name: string, neededBy: Purpose[], file?: string, command?: string }} SystemPackage
 */

/**
 * Every Debian package the project needs, one a line: who needs it, and the file or the command
 * on PATH that tells it is installed (what the harness itself looks for).
 * @type {SystemPackage[]}
 */
const PACKAGES = [
  { name: 'tomcat10', neededBy: ['demo', 'test'], file: '/usr/share/tomcat10/bin/catalina.sh' },
  { name: 'tomcat10-admin', neededBy: ['demo', 'test'], file: '/usr/share/tomcat10-admin/manager' },
  { name: 'libtomcat9-java', neededBy: ['test'], file: '/usr/share/java/tomcat9-catalina.jar' },
  { name: 'libeclipse-jdt-core-java', neededBy: ['test'], file: '/usr/share/java/eclipse-jdt-core.jar' },
  { name: 'chromium', neededBy: ['test'], file: '/usr/bin/chromium' },
  { name: 'default-jdk-headless', neededBy: ['test'], command: 'javac' },
  { name: 'openssl', neededBy: ['test'], command: 'openssl' },
  // The balancers the lb commands drive, each started by the tests in the foreground (never as a service).
  { name: 'haproxy', neededBy: ['test'], file: '/usr/sbin/haproxy' },
  { name: 'apache2-bin', neededBy: ['test'], file: '/usr/sbin/apache2' },
  { name: 'libapache2-mod-jk', neededBy: ['test'], file: '/usr/lib/apache2/modules/mod_jk.so' },
  { name: 'nginx', neededBy: ['test'], file: '/usr/sbin/nginx' },
  // The restart commands of the tests call the harness's restarter over HTTP, as a user's `--exec` would.
  { name: 'curl', neededBy: ['test'], command: 'curl' },
  // The SSH tests: a real OpenSSH server started in the foreground (never as a service), its keys
  // made by ssh-keygen and checked by OpenSSH's own client, and `ip` to bring up the loopback of a
  // network namespace that reaches nothing but sshd (a minimal Debian has unshare, not iproute2).
  { name: 'openssh-server', neededBy: ['test'], file: '/usr/sbin/sshd' },
  { name: 'openssh-client', neededBy: ['test'], file: '/usr/bin/ssh-keygen' },
  { name: 'iproute2', neededBy: ['test'], file: '/usr/sbin/ip' },
];

/** @type {Record<Purpose, string>} */
const NEEDS = { demo: 'The demo needs', test: 'The test suites need' };

/** @param {string} command */
function isOnPath(command) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** @param {SystemPackage} pkg */
function isInstalled(pkg) {
  if (pkg.file !== undefined) return existsSync(pkg.file);
  return pkg.command !== undefined && isOnPath(pkg.command);
}

/** Whether apt-get and Debian's package names apply here (Debian, Ubuntu, or a distribution like them). */
function isDebianLike() {
  let osRelease = '';
  try {
    osRelease = readFileSync('/etc/os-release', 'utf8');
  } catch {
    return false;
  }
  const ids = /^(?:ID|ID_LIKE)=["']?([^"'\n]*)/gm;
  return [...osRelease.matchAll(ids)].some((match) => /\b(?:debian|ubuntu)\b/.test(match[1] ?? ''));
}

/**
 * @param {string} text
 * @returns {never}
 */
function fail(text, exitCode = 2) {
  console.error(text);
  process.exit(exitCode);
}

/**
 * Runs apt-get quietly; on failure shows what it said and exits 1.
 * @param {string[]} args
 */
function aptGet(args) {
  const result = spawnSync('apt-get', ['-y', '-qq', ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status === 0) return;
  const said = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
  fail(`apt-get ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n${said}`, 1);
}

function main() {
  const purpose = process.argv[2];
  if (purpose !== 'demo' && purpose !== 'test')
    fail('usage: node scripts/install-system-packages.mjs demo|test');
  const missing = PACKAGES.filter((pkg) => pkg.neededBy.includes(purpose) && !isInstalled(pkg));
  if (missing.length === 0) return;
  const names = missing.map((pkg) => pkg.name).join(' ');
  if (!isDebianLike()) {
    fail(
      `${NEEDS[purpose]} Debian's ${names} (apt-get install -y ${names}), and this machine is not ` +
        'Debian or Ubuntu: run it on Debian 12 or Ubuntu, or install their equivalents by hand.',
    );
  }
  if (process.getuid?.() !== 0) {
    fail(
      `${NEEDS[purpose]} Debian's ${names}. Install them, then run it again:\n` +
        `  sudo apt-get update && sudo apt-get install -y ${names}`,
    );
  }
  console.log(`${NEEDS[purpose]} Debian's ${names}: installing them (apt-get install -y ${names}) ...`);
  aptGet(['update']);
  aptGet(['install', ...missing.map((pkg) => pkg.name)]);
}

main();
