import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { shellRunner } from '../../../src/ops/restart/command-runner.js';

/** Whether a process of this id still runs: neither gone nor a zombie that nobody reaped yet. */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // `pid (comm) S ...`: the state follows the command's closing parenthesis.
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

describe('shellRunner', () => {
  it("runs the user's command in /bin/sh with the variables added, hands over each line of stdout and stderr, and gives the exit code", async () => {
    const lines: string[] = [];
    const exit = await shellRunner.run(
      'echo "on $TOMCAT_PD_TARGET"; echo oops >&2; printf "no newline"; exit 3',
      { env: { TOMCAT_PD_TARGET: 'web1' }, timeoutMs: 10_000, onLine: (line) => lines.push(line) },
    );
    expect(exit).toEqual({ exitCode: 3, signal: null, timedOut: false });
    expect(lines.sort()).toEqual(['no newline', 'on web1', 'oops']);
  });

  it('a target name with shell characters travels as a value, never as shell text', async () => {
    const lines: string[] = [];
    await shellRunner.run('echo "$TOMCAT_PD_TARGET"', {
      env: { TOMCAT_PD_TARGET: 'web1; echo injected' },
      timeoutMs: 10_000,
      onLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['web1; echo injected']);
  });

  it('a command that hangs past its timeout is killed with every process it started, and says it timed out', async () => {
    const lines: string[] = [];
    const started = Date.now();
    // The shell starts a sleep of its own in the background and waits for another: both must go.
    const exit = await shellRunner.run('sleep 30 & echo "child $!"; sleep 30', {
      env: {},
      timeoutMs: 300,
      onLine: (line) => lines.push(line),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(exit).toEqual({ exitCode: null, signal: 'SIGTERM', timedOut: true });
    const child = Number(lines[0]?.replace('child ', ''));
    expect(child).toBeGreaterThan(0);
    expect(await alive(child)).toBe(false);
  });

  it('runs in the folder given, and an abort stops the command with every process it started', async () => {
    const lines: string[] = [];
    const controller = new AbortController();
    const started = Date.now();
    const running = shellRunner.run('pwd; sleep 30 & echo "child $!"; sleep 30', {
      env: {},
      timeoutMs: 60_000,
      cwd: '/tmp',
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        if (line.startsWith('child ')) controller.abort();
      },
    });
    const exit = await running;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(exit).toEqual({ exitCode: null, signal: 'SIGTERM', timedOut: false });
    expect(lines[0]).toBe('/tmp');
    expect(await alive(Number(lines[1]?.replace('child ', '')))).toBe(false);
  });
});
