import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../scripts/install-system-packages.mjs', import.meta.url));

/**
 * The script runs as an unprivileged user, so that a test can never install anything: as root it
 * would run apt-get. A copy in a world-readable folder, because the checkout may sit under a
 * home that user cannot read (/root).
 */
let copy: string;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tomcat-pd-packages-'));
  await chmod(dir, 0o755);
  copy = join(dir, 'install-system-packages.mjs');
  await copyFile(SCRIPT, copy);
  await chmod(copy, 0o644);
});
afterAll(async () => {
  await rm(join(copy, '..'), { recursive: true, force: true });
});

function runUnprivileged(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const asNobody =
    process.getuid?.() === 0 ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
  const [file, ...rest] = [...asNobody, process.execPath, copy, ...args];
  return spawnSync(file!, rest, { env, encoding: 'utf8', cwd: tmpdir() });
}

describe('scripts/install-system-packages.mjs', () => {
  it('prints nothing and exits 0 where everything the suites need is installed (as here)', () => {
    const result = runUnprivileged(['test']);
    expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('as a user who cannot install, exits 2 with the apt-get command for what is missing', () => {
    // No javac, openssl or curl on this PATH: they count as missing, the packages found by their files do not.
    const result = runUnprivileged(['test'], { ...process.env, PATH: '/nonexistent' });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('sudo apt-get install -y default-jdk-headless openssl curl\n');
  });

  it('exits 2 with its usage when the purpose is not demo or test', () => {
    const result = runUnprivileged(['everything']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('usage: node scripts/install-system-packages.mjs demo|test');
  });
});
