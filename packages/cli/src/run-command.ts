import { ErrorCode, isTomcatPdError } from '@tomcat-pd/core';
import type { Command } from 'commander';
import { createContext, type CliContext } from './context.js';
import { ReportedError } from './exit-codes.js';
import { globalOptions } from './global-options.js';
import { Output } from './output.js';

/** Runs one command: builds its output and context, and reports its error in the right format. */
export async function runCommand(
  command: Command,
  signal: AbortSignal,
  work: (context: CliContext, command: Command) => Promise<void>,
): Promise<void> {
  const options = globalOptions(command);
  const output = new Output({
    json: options.json ?? false,
    quiet: options.quiet ?? false,
    verbose: options.verbose ?? false,
    color: options.color,
  });
  try {
    await work(await createContext(options, output, signal), command);
  } catch (error) {
    const isUsage = isTomcatPdError(error) && error.code === ErrorCode.usage;
    output.error(error, isUsage ? `Usage: tomcat-pd ${command.name()} ${command.usage()}` : undefined);
    throw new ReportedError(error);
  }
}
