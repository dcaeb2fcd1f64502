import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/balancer/nginx/run-command.js';

describe('runCommand', () => {
  it('says ok for exit code 0', async () => {
    expect(await runCommand(['/bin/true'], { timeoutMs: 5_000 })).toEqual({ kind: 'ok' });
  });

  it('keeps the exit code and stderr of a failure, with no shell between', async () => {
    expect(await runCommand(['sh', '-c', 'echo "no; good" >&2; exit 3'], { timeoutMs: 5_000 })).toEqual({
      kind: 'failed',
      exitCode: 3,
      stderr: 'no; good\n',
    });
    // One word, not a command line: the `;` reaches `echo` as text.
    expect(await runCommand(['/bin/false', ';', 'true'], { timeoutMs: 5_000 })).toMatchObject({
      exitCode: 1,
    });
  });

  it('tells a missing program, a time-out and an abort apart', async () => {
    expect(await runCommand(['/no/such/nginx', '-t'], { timeoutMs: 5_000 })).toEqual({
      kind: 'not-run',
      reason: 'ENOENT (/no/such/nginx)',
    });
    expect(await runCommand(['sleep', '5'], { timeoutMs: 100 })).toMatchObject({ kind: 'timed-out' });
    const controller = new AbortController();
    const running = runCommand(['sleep', '5'], { timeoutMs: 5_000, signal: controller.signal });
    controller.abort();
    expect(await running).toEqual({ kind: 'aborted' });
  });
});
