import type { Command } from 'commander';
import { loadConfigFile } from './config-file.js';
import { CommandLineError, fromCommandLine, type CommandModule } from './command-line.js';
import { createContext, parseGlobalValues } from './context.js';
import { ReportedError } from './exit-codes.js';
import { globalOptions } from './global-options.js';
import { Output } from './output.js';

/**
 * Runs one command: checks its command line (a mistake there prints the usage line), reads the
 * config file, then runs it with its output and context, and reports its error in the right format.
 */
export async function runCommand<O, I>(
  command: Command,
  args: readonly unknown[],
  signal: AbortSignal,
  module: CommandModule<O, I>,
): Promise<void> {
  const options = globalOptions(command);
  const output = new Output({
    json: options.json ?? false,
    quiet: options.quiet ?? false,
    verbose: options.verbose ?? false,
    color: options.color,
  });
  try {
    const values = fromCommandLine(() => parseGlobalValues(options));
    const config = await loadConfigFile(options.config);
    const input = fromCommandLine(() =>
      module.parse({ args, options: command.opts() as O, defaults: config?.defaults ?? {} }),
    );
    await module.run(createContext(options, values, config, output, signal), input);
  } catch (error) {
    const usage =
      error instanceof CommandLineError ? `Usage: tomcat-pd ${command.name()} ${command.usage()}` : undefined;
    output.error(error, usage);
    throw new ReportedError(error);
  }
}
