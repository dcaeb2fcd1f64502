import { UsageError, isTomcatPdError, ErrorCode } from '@tomcat-pd/core';
import type { ConfigFile } from './config-file.js';
import type { CliContext } from './context.js';

/** What a command gets from its command line: its arguments, its own options, the config defaults. */
export interface CommandLine<O> {
  /** The positional arguments (deploy's `<war>`). */
  args: readonly unknown[];
  /** The command's own options as commander parsed them (strings and switches, not yet checked). */
  options: O;
  /** The config file's `defaults` (empty without a config file). */
  defaults: ConfigFile['defaults'];
}

/**
 * One command: `parse` turns its command line into checked input, or throws a usage error for a
 * mistake on it (the usage line follows that message); `run` talks to Tomcat and renders.
 */
export interface CommandModule<O, I> {
  parse(line: CommandLine<O>): I;
  run(context: CliContext, input: I): Promise<void>;
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
