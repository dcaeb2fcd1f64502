import { UsageError, isTomcatPdError, ErrorCode } from '@tomcat-pd/core/errors';
import type { ConfigFile } from './config-file.js';
import type { CliContext } from './context.js';
import type { ChangeDone, ChangeStart } from './events/change-event.js';
import type { LockScope } from '@tomcat-pd/core/internal';

/** What a command gets from its command line: its arguments, its own options, the config defaults. */
export interface CommandLine<Flags> {
  /** The positional arguments (deploy's `<war>`). */
  args: readonly unknown[];
  /** The command's options as commander parsed them (strings and switches, not yet checked). */
  flags: Flags;
  /** The config file's `defaults` (empty without a config file). */
  defaults: ConfigFile['defaults'];
}

/**
 * What a command does: `parse` turns its command line into checked input (the core's spec), or
 * throws a usage error for a mistake on it (the usage line follows that message); `run` talks to
 * Tomcat and renders. It lives in `actions/<name>.ts`, loaded only when the command runs; the
 * command's options and help are in `commands/<name>.ts`.
 */
export interface CommandModule<Flags, Input> {
  parse(line: CommandLine<Flags>): Input;
  /**
   * A command that changes something declares the change: the start of its event (README:
   * Notifications), or `undefined` when this run changes nothing (`--dry-run`). Its `run` then
   * returns what the end adds (the version a deploy chose). A command that only reads has none.
   */
  change?(input: Input): ChangeStart | undefined;
  /**
   * A command that changes a target declares the release lock it holds while it runs (docs/lock.md),
   * or `undefined` when this run changes nothing. A command that only reads has none.
   */
  lock?(input: Input): LockRequest | undefined;
  run(context: CliContext, input: Input): Promise<ChangeDone | void>;
}

/** The release lock a command holds while it runs (README: Lock). */
export interface LockRequest {
  scope: LockScope;
  /** What others see holding it: `deploy`, `lb-drain`, ... */
  command: string;
  /** The targets it changes, when the command names its own (an lb command's one); else the selected ones. */
  targets?: readonly string[] | undefined;
  /** promote and abort: take over a paused rollout's lock (`context.heldLock.paused`). */
  takeover?: 'paused' | undefined;
}

/**
 * A mistake on the command line: an unknown option, a missing argument or a malformed value.
 * Only these print the command's usage line after the message; bad input found later (a corrupt
 * WAR, a missing password, a broken config file) would only bury the message and its hint.
 */
export class CommandLineError extends UsageError {}

/** Runs a parse of the command line: a usage error it throws is a {@link CommandLineError}. */
export function fromCommandLine<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!isTomcatPdError(error) || error.code !== ErrorCode.usage || error instanceof CommandLineError)
      throw error;
    throw new CommandLineError(error.message, { hint: error.hintParts });
  }
}

/** The app's path: `--path`, else the config file's default; a usage error without either. */
export function requirePath(path: string | undefined, defaults: ConfigFile['defaults']): string {
  const chosen = path ?? defaults.path;
  if (chosen === undefined)
    throw new UsageError('--path is required (or set defaults.path in tomcat-pd.json).');
  return chosen;
}

/** `Examples:` and one `$ line` each, for the end of a command's help. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}
