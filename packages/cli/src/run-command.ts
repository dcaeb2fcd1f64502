import type { Command, OptionValues } from '@commander-js/extra-typings';
import { closeSshConnections } from '@tomcat-pd/core';
import { loadConfigFile } from './config-file.js';
import { CommandLineError, fromCommandLine, type CommandModule } from './command-line.js';
import { createContext, parseGlobalValues, type CliContext } from './context.js';
import { selectedTargetNames } from './connection.js';
import { ReportedError } from './exit-codes.js';
import { globalOptions } from './global-options.js';
import { Output } from './output.js';

/**
 * Runs one command: checks its command line (a mistake there prints the usage line), reads the
 * config file, then runs it with its output and context, and reports its error in the right format.
 */
export async function runCommand<Flags, Input>(
  command: Command<unknown[], OptionValues>,
  args: readonly unknown[],
  signal: AbortSignal,
  module: CommandModule<Flags, Input>,
): Promise<void> {
  const options = globalOptions(command);
  const output = new Output({
    json: options.json === true,
    quiet: options.quiet === true,
    verbose: options.verbose === true,
    color: options.color,
  });
  try {
    const values = fromCommandLine(() => parseGlobalValues(options));
    const config = await loadConfigFile(options.config);
    const input = fromCommandLine(() =>
      // The flags as the command's definition in commands/ types them: commander parsed them by it.
      module.parse({ args, flags: command.opts() as Flags, defaults: config?.defaults ?? {} }),
    );
    const unlocked = createContext(options, values, config, output, signal);
    const start = module.change?.(input);
    const sinks = { notify: config?.notify ?? [], auditLog: options.auditLog ?? config?.auditLog };
    const hooks = config?.hooks;
    const changeRun = async (context: CliContext) => {
      const run = () => module.run(context, input);
      if (start === undefined || (sinks.notify.length === 0 && sinks.auditLog === undefined && !hooks)) {
        await run();
      } else {
        // Loaded only when a change has somewhere to be told or hooks: most runs have neither.
        const { recordChange } = await import('./events/record-change.js');
        const change = { start, targets: start.targets ?? selectedTargetNames(options, config) };
        // The hooks run inside the change's records (README: Hooks), and so inside the lock.
        const hooked = hooks
          ? (await import('./hooks/with-hooks.js')).withHooks(hooks, output, context.signal, run)
          : run;
        await recordChange(sinks, change, output, hooked);
      }
    };
    const lock = await module.lock?.(input, unlocked);
    if (lock === undefined) {
      await changeRun(unlocked);
    } else {
      // Loaded only by a command that changes Tomcat (docs/lock.md): a read never takes the lock.
      const { withLock } = await import('./lock/with-lock.js');
      await withLock(lock, unlocked, values.lock, changeRun);
    }
  } catch (error) {
    const usage =
      error instanceof CommandLineError
        ? `Usage: tomcat-pd ${commandPath(command)} ${command.usage()}`
        : undefined;
    output.error(error, usage);
    throw new ReportedError(error);
  } finally {
    // The SSH connections of the command (none without "ssh"): serve and drain --every kept theirs until here.
    await closeSshConnections();
  }
}

/** `lb drain`: the command's name after its groups', without the program's. */
function commandPath(command: Command<unknown[], OptionValues>): string {
  const names: string[] = [];
  for (
    let current: Command<unknown[], OptionValues> | null = command;
    current?.parent;
    current = current.parent
  ) {
    names.unshift(current.name());
  }
  return names.join(' ');
}
