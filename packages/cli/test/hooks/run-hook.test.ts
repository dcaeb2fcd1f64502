import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { AbortedError } from '@tomcat-pd/core';
import { HookError } from '../../src/hooks/hook-error.js';
import { OUTPUT_TAIL_LINES, runHook, type HookRun } from '../../src/hooks/run-hook.js';

/** Whether a process of this id still runs: neither gone nor a zombie that nobody reaped yet. */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat !== undefined && stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

function hook(command: string, more: Partial<HookRun> = {}): { run: HookRun; lines: string[] } {
  const lines: string[] = [];
  const run: HookRun = {
    hook: 'before-deploy',
    command,
    env: {},
    cwd: '/tmp',
    timeoutMs: 10_000,
    signal: new AbortController().signal,
    onLine: (line) => lines.push(line),
    ...more,
  };
  return { run, lines };
}

/** The error `runHook` rejects with; fails the test if it resolves. */
async function failure(run: HookRun): Promise<unknown> {
  return runHook(run).then(
    () => {
      throw new Error('the hook passed; a failure was expected');
    },
    (error: unknown) => error,
  );
}

describe('runHook', () => {
  it('runs the command with sh -c in its folder with the variables added, and hands over its lines', async () => {
    const { run, lines } = hook('echo "$TOMCAT_PD_APP in $(pwd)"; echo warn >&2', {
      env: { TOMCAT_PD_APP: '/shop; rm -rf /' },
    });
    await runHook(run);
    expect(lines.sort()).toEqual(['/shop; rm -rf / in /tmp', 'warn']);
  });

  it('a non-zero exit: a HookError (E_HOOK) with the status and the end of its output', async () => {
    const { run } = hook(`for i in $(seq 1 ${OUTPUT_TAIL_LINES + 5}); do echo "line $i"; done; exit 3`);
    const error = (await failure(run)) as HookError;
    expect(error).toBeInstanceOf(HookError);
    expect(error.code).toBe('E_HOOK');
    expect(error.message).toBe('The before-deploy hook failed: it exited with status 3.');
    expect(error.failure).toEqual({ kind: 'exit', exitCode: 3 });
    expect(error.output).toHaveLength(OUTPUT_TAIL_LINES);
    expect(error.output.at(-1)).toBe(`line ${OUTPUT_TAIL_LINES + 5}`);
    expect(error.hint).toContain(`[before-deploy] line ${OUTPUT_TAIL_LINES + 5}`);
    expect(error.hint).not.toContain('[before-deploy] line 5\n');
  });

  it('a hook that hangs past its timeout: killed with every process it started, an error naming the hook and the timeout', async () => {
    const started = Date.now();
    const { run, lines } = hook('sleep 60 & echo "child $!"; sleep 60', { timeoutMs: 500 });
    const error = (await failure(run)) as HookError;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error.failure).toEqual({ kind: 'timeout', timeoutMs: 500 });
    expect(error.message).toBe(
      'The before-deploy hook ran past its timeout of 500ms: it was stopped, with every process it started.',
    );
    const child = Number(lines[0]?.replace('child ', ''));
    expect(child).toBeGreaterThan(0);
    expect(await alive(child)).toBe(false);
  });

  it('Ctrl-C (the signal) while it runs: stopped with its children, an AbortedError', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const { run } = hook('sleep 60 & echo "child $!"; sleep 60', {
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        controller.abort();
      },
    });
    const error = await failure(run);
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).message).toBe(
      'The before-deploy hook was stopped, with every process it started.',
    );
    expect(await alive(Number(lines[0]?.replace('child ', '')))).toBe(false);
  });

  it('a hook killed by a signal of its own says so', async () => {
    const error = (await failure(hook('kill -KILL $$').run)) as HookError;
    expect(error.failure).toEqual({ kind: 'signal', signal: 'SIGKILL' });
    expect(error.hint).toBe('It wrote nothing.');
  });
});
