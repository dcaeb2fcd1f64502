import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_BIN } from '@tomcat-pd/testkit/cli-bin';
import { cleanEnv, collect, connection, expectExit, spawnCli, waitForOutput } from './cli-helpers.js';
import { buildTestWar } from '@tomcat-pd/testkit/test-war';
import { useTomcat } from './support.js';

// Issue 14, item 2: `status --watch` against a real Tomcat 10.1: through a pipe the table comes
// again only when it changed, with --json one line per change, and on a terminal (a pseudo-TTY
// made by util-linux's `script`) the screen is redrawn in place with the changed lines
// highlighted. SIGTERM (Ctrl-C) ends it with exit 0.

const fixture = useTomcat();

async function deploy(label: string): Promise<void> {
  const war = await buildTestWar(fixture.warDir, { label, fileName: `watch-${label}.war` });
  const { tomcat } = fixture;
  const child = spawnCli(['deploy', war, '--path', '/watch', '--quiet', ...connection(tomcat)], {
    env: { TOMCAT_PD_PASSWORD: tomcat.password },
  });
  expectExit(await collect(child, 60_000), 0);
}

/** The blocks of a piped watch, each after its `--- <time>` line. */
function blocksOf(stdout: string): string[] {
  return stdout.split(/^--- \d{4}-\d\d-\d\dT[\d:.]+Z$/m).filter((block) => block.trim() !== '');
}

function watch(extra: readonly string[]) {
  const { tomcat } = fixture;
  return spawnCli(
    ['status', '--watch', '--interval', '1s', '--path', '/watch', ...extra, ...connection(tomcat)],
    {
      env: { TOMCAT_PD_PASSWORD: tomcat.password },
    },
  );
}

describe('status --watch', () => {
  it('through a pipe: the table again only when it changed; SIGTERM exits 0', async () => {
    await deploy('one');
    const child = watch([]);
    let stdout = '';
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    const done = collect(child, 60_000);
    await waitForOutput(child, /\/watch\s+001\s+running\s+0\s+live/);
    // Three more reads with nothing changed print nothing more.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(blocksOf(stdout)).toHaveLength(1);
    // Listening before the deploy: the watch may print the change before the deploy exits, and
    // through a pipe it is printed only once.
    const twoLive = waitForOutput(child, /\/watch\s+002\s+running\s+0\s+live/, 70_000);
    await deploy('two');
    await twoLive;
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    const blocks = blocksOf(result.stdout);
    expect(blocks[0]).not.toMatch(/002/);
    expect(blocks.at(-1)).toMatch(/\/watch\s+001\s+running\s+0\s+drained/);
    // Each block differs from the one before (the deploy may show a step between, e.g. 002 starting).
    for (let i = 1; i < blocks.length; i++) expect(blocks[i]).not.toBe(blocks[i - 1]);
    expect(result.stderr).toBe('');
  });

  it('--json: one JSON line per change, each with readAt', async () => {
    const child = watch(['--json']);
    let stdout = '';
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    const done = collect(child, 60_000);
    await waitForOutput(child, /"version":"002"/);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const threeLive = waitForOutput(child, /"live":"003"/, 70_000);
    await deploy('three');
    await threeLive;
    child.kill('SIGTERM');
    const result = await done;
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { readAt: string; apps: { live: string }[] });
    expect(lines[0]?.apps[0]?.live).toBe('002');
    expect(lines.at(-1)?.apps[0]?.live).toBe('003');
    const withoutTime = lines.map(({ readAt, ...rest }) =>
      Date.parse(readAt) > 0 ? JSON.stringify(rest) : 'no readAt',
    );
    for (let i = 1; i < withoutTime.length; i++) expect(withoutTime[i]).not.toBe(withoutTime[i - 1]);
  });

  it('on a terminal: redrawn in place, a heading, the lines that changed highlighted (inverse video)', async () => {
    const { tomcat } = fixture;
    const command = [
      process.execPath,
      CLI_BIN,
      'status',
      '--watch',
      '--interval',
      '1s',
      '--path',
      '/watch',
      ...connection(tomcat),
    ]
      .map((word) => `'${word}'`)
      .join(' ');
    const child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: cleanEnv({ TOMCAT_PD_PASSWORD: tomcat.password, NO_COLOR: undefined, FORCE_COLOR: undefined }),
      stdio: 'pipe',
    });
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdin.end();
    const done = collect(child, 60_000);
    await waitForOutput(
      child,
      /Every 1s: tomcat-pd status --path \/watch {4}read \d\d:\d\d:\d\dZ; Ctrl-C to stop/,
    );
    const esc = String.fromCharCode(27);
    // Only the frame where 004 first appears highlights it, and it may come before the deploy exits.
    const fourHighlighted = waitForOutput(child, new RegExp(`${esc}\\[7m/watch\\s+004`), 70_000);
    await deploy('four');
    await fourHighlighted;
    child.kill('SIGTERM');
    const result = await done;
    expect(result.stdout).toContain(`${esc}[H${esc}[2J`);
    // The unchanged rows (002 stays drained) are not highlighted.
    expect(result.stdout).not.toMatch(new RegExp(`${esc}\\[7m/watch\\s+002`));
  });

  it('a wrong password ends the watch at once with exit 4, rather than asking again until Tomcat locks the user out', async () => {
    const { tomcat } = fixture;
    const child = spawnCli(['status', '--watch', '--interval', '1s', ...connection(tomcat)], {
      env: { TOMCAT_PD_PASSWORD: 'not-the-password' },
    });
    const result = await collect(child, 15_000);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^error: .*401|^error: .*(user|password)/im);
    expect(result.stderr).not.toContain('not-the-password');
  });

  it('--interval without --watch, or under 5s with --metrics, is a usage error', async () => {
    const { tomcat } = fixture;
    const env = { TOMCAT_PD_PASSWORD: tomcat.password };
    const alone = await collect(
      spawnCli(['status', '--interval', '2s', ...connection(tomcat)], { env }),
      30_000,
    );
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--interval sets how often --watch reads/);
    const fast = await collect(
      spawnCli(['status', '--watch', '--metrics', '--interval', '2s', ...connection(tomcat)], { env }),
      30_000,
    );
    expect(fast.code).toBe(2);
    expect(fast.stderr).toMatch(/--interval must be at least 5s with --metrics/);
  });
});
