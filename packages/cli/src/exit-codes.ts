import { CommanderError } from 'commander';
// The light entry: mapping an exit code must not load the whole library on every start.
import { ErrorCode, isTomcatPdError } from '@tomcat-pd/core/errors';

/** The exit codes of the README: what scripts and CI pipelines branch on. */
export const ExitCode = {
  ok: 0,
  /** The operation failed: Tomcat refused, or a step failed. */
  failed: 1,
  /** Bad usage or bad input: nothing was sent. */
  usage: 2,
  /** Refused by a safety rule: nothing was changed. */
  unsafe: 3,
  /** Cannot connect or authenticate (an SSH host key that is unknown or changed included). */
  connect: 4,
  /** The release lock is held by another controller, or was lost while held (docs/lock.md). */
  locked: 5,
} as const;

/** The one place that turns an error into an exit code. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  if (!isTomcatPdError(error)) return ExitCode.failed;
  switch (error.code) {
    case ErrorCode.usage:
      return ExitCode.usage;
    case ErrorCode.unsafe:
      return ExitCode.unsafe;
    case ErrorCode.auth:
    case ErrorCode.forbidden:
    case ErrorCode.connect:
    case ErrorCode.notManager:
    case ErrorCode.ssh:
      return ExitCode.connect;
    case ErrorCode.locked:
    case ErrorCode.lockLost:
      return ExitCode.locked;
    default:
      return ExitCode.failed;
  }
}

/** An error that was already shown to the user; cli.ts only turns its cause into an exit code. */
export class ReportedError extends Error {
  constructor(readonly reported: unknown) {
    super('reported');
  }
}
