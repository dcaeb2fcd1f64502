import { describe, expect, it } from 'vitest';
import { shellRunner } from '../../../src/ops/restart/command-runner.js';

describe('shellRunner', () => {
  it("runs the user's command in /bin/sh with the variables added, hands over each line of stdout and stderr, and gives the exit code", async () => {
    const lines: string[] = [];
    const exit = await shellRunner.run(
      'echo "on $TOMCAT_PD_TARGET"; echo oops >&2; printf "no newline"; exit 3',
      { TOMCAT_PD_TARGET: 'web1' },
      (line) => lines.push(line),
    );
    expect(exit).toEqual({ exitCode: 3, signal: null });
    expect(lines.sort()).toEqual(['no newline', 'on web1', 'oops']);
  });

  it('a target name with shell characters travels as a value, never as shell text', async () => {
    const lines: string[] = [];
    await shellRunner.run('echo "$TOMCAT_PD_TARGET"', { TOMCAT_PD_TARGET: 'web1; echo injected' }, (line) =>
      lines.push(line),
    );
    expect(lines).toEqual(['web1; echo injected']);
  });
});
