import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ErrorCode, TomcatFailError, TomcatPdError, UnsafeOperationError, UsageError } from '@tomcat-pd/core';
import { ExitCode, exitCodeFor } from '../src/exit-codes.js';
import { buildProgram } from '../src/program.js';

// The README's exit codes: 0 ok, 1 failed, 2 bad usage or input, 3 refused by a safety rule, 4
// cannot connect or authenticate, 5 the release lock is held by another or was lost. Scripts
// branch on these, so every core code is pinned here.
const EXPECTED: Record<ErrorCode, number> = {
  E_AUTH: 4,
  E_FORBIDDEN: 4,
  E_NOT_MANAGER: 4,
  E_CONNECT: 4,
  // An SSH host key unknown or changed, a key refused, a forwarding forbidden: cannot connect.
  E_SSH: 4,
  E_SERVER: 1,
  E_TOMCAT_FAIL: 1,
  E_BALANCER: 1,
  // A read found that the app or version named does not exist: the operation failed.
  E_NOT_FOUND: 1,
  E_PROTOCOL: 1,
  E_USAGE: 2,
  E_UNSAFE: 3,
  E_OPERATION: 1,
  E_ABORTED: 1,
  // A bug: the operation failed (the message says it is a bug and asks for a report).
  E_INTERNAL: 1,
  // A version that did not answer healthy: the operation failed (the version was undone, or is named).
  E_PROBE: 1,
  // A canary analysis undid the version: the operation failed.
  E_ANALYSIS: 1,
  // Another controller holds the release lock, or the lock was lost while held (docs/lock.md).
  E_LOCKED: 5,
  E_LOCK_LOST: 5,
  // A before-deploy hook failed or hung: nothing changed, the release failed.
  E_HOOK: 1,
};

describe('exitCodeFor', () => {
  it('knows every core error code (a new code must be added to this table)', () => {
    expect(Object.values(ErrorCode).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s → %i', (code, exit) => {
    expect(exitCodeFor(new TomcatPdError(code as ErrorCode, 'x'))).toBe(exit);
  });

  it('maps the subclasses by their code', () => {
    expect(exitCodeFor(new UsageError('bad'))).toBe(ExitCode.usage);
    expect(exitCodeFor(new UnsafeOperationError('ordering-invariant', 'no'))).toBe(ExitCode.unsafe);
    expect(exitCodeFor(new TomcatFailError('deploy', 'FAIL - x', 'other'))).toBe(ExitCode.failed);
  });

  it('gives 1 for anything that is not a tomcat-pd error', () => {
    expect(exitCodeFor(new Error('boom'))).toBe(1);
    expect(exitCodeFor('a string')).toBe(1);
    expect(exitCodeFor(undefined)).toBe(1);
  });

  it('gives 2 for a commander parse error and 0 for help and version', () => {
    expect(exitCodeFor(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe(2);
    expect(exitCodeFor(new CommanderError(1, 'commander.missingArgument', 'x'))).toBe(2);
    expect(exitCodeFor(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'))).toBe(0);
    expect(exitCodeFor(new CommanderError(0, 'commander.version', '0.1.0'))).toBe(0);
  });

  // The real program, not hand-made errors: what commander throws is what cli.ts maps.
  describe('errors the real program throws', () => {
    async function thrownBy(argv: string[]): Promise<unknown> {
      const program = buildProgram(new AbortController().signal);
      const silent = { writeOut: () => {}, writeErr: () => {} };
      program.configureOutput(silent);
      for (const command of program.commands) command.configureOutput(silent);
      return program.parseAsync(['node', 'tomcat-pd', ...argv]).then(
        () => 'no error',
        (e: unknown) => e,
      );
    }

    it.each([
      [['--help'], 0],
      [['status', '--help'], 0],
      [['--version'], 0],
      [['nosuchcommand'], 2],
      [['status', '--nosuchoption'], 2],
      [['deploy'], 2],
      [['undeploy', '--path', '/a'], 2],
      [['drain', '--every', '1m', '--dry-run'], 2],
      [['drain', '--wait', '--every', '1m'], 2],
      [['drain', '--wait', '--dry-run'], 2],
    ])('%j → %i', async (argv, exit) => {
      const error = await thrownBy(argv);
      expect(error).toBeInstanceOf(CommanderError);
      expect(exitCodeFor(error)).toBe(exit);
    });
  });
});
