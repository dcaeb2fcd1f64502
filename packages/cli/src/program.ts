import packageJson from '../package.json' with { type: 'json' };
import { Command, Help, type Option, type OptionValues } from '@commander-js/extra-typings';
import type { CommandModule } from './command-line.js';
import { defineAbort } from './commands/abort.js';
import { defineCheck } from './commands/check.js';
import { defineDeploy } from './commands/deploy.js';
import { defineDrain } from './commands/drain.js';
import { defineHistory } from './commands/history.js';
import {
  defineLb,
  defineLbConfig,
  defineLbDrain,
  defineLbMaint,
  defineLbReady,
  defineLbStatus,
} from './commands/lb.js';
import { defineLock, defineLockRelease, defineLockStatus } from './commands/lock.js';
import { definePromote } from './commands/promote.js';
import { defineRollback } from './commands/rollback.js';
import { defineServe } from './commands/serve.js';
import { defineSessions } from './commands/sessions.js';
import { defineStatus } from './commands/status.js';
import { defineRestart } from './commands/restart.js';
import { defineUndeploy } from './commands/undeploy.js';
import { examples } from './command-line.js';
import { withGlobalOptions } from './global-options.js';

/** A command: its options and help (`commands/`), and what it does (`actions/`, loaded when it runs). */
interface CommandEntry {
  define: () => Command<unknown[], OptionValues>;
  // The flags' type is the definition's, which the action module names; the runner passes them on.
  load: () => Promise<CommandModule<never, unknown>>;
}

/** A command made of subcommands (`lb status`, `lb drain`, ...). */
interface CommandGroup {
  define: () => Command<unknown[], OptionValues>;
  subcommands: readonly CommandEntry[];
}

/** Every command, in the order of the help. */
const COMMANDS: readonly (CommandEntry | CommandGroup)[] = [
  { define: defineDeploy, load: () => import('./actions/deploy.js') },
  { define: defineCheck, load: () => import('./actions/check.js') },
  { define: defineStatus, load: () => import('./actions/status.js') },
  { define: defineServe, load: () => import('./actions/serve.js') },
  { define: defineHistory, load: () => import('./actions/history.js') },
  { define: defineSessions, load: () => import('./actions/sessions.js') },
  { define: definePromote, load: () => import('./actions/promote.js') },
  { define: defineAbort, load: () => import('./actions/abort.js') },
  { define: defineRollback, load: () => import('./actions/rollback.js') },
  { define: defineDrain, load: () => import('./actions/drain.js') },
  { define: defineUndeploy, load: () => import('./actions/undeploy.js') },
  { define: defineRestart, load: () => import('./actions/restart.js') },
  {
    define: defineLb,
    subcommands: [
      { define: defineLbStatus, load: () => import('./actions/lb-status.js') },
      { define: defineLbDrain, load: () => import('./actions/lb-drain.js') },
      { define: defineLbMaint, load: () => import('./actions/lb-maint.js') },
      { define: defineLbReady, load: () => import('./actions/lb-ready.js') },
      { define: defineLbConfig, load: () => import('./actions/lb-config.js') },
    ],
  },
  {
    define: defineLock,
    subcommands: [
      { define: defineLockStatus, load: () => import('./actions/lock-status.js') },
      { define: defineLockRelease, load: () => import('./actions/lock-release.js') },
    ],
  },
];

/**
 * A command's action: the runner (and with it the core library) and the command's module are
 * imported only when a command runs, so that `--help` and `--version` start fast. commander calls
 * an action with the positional arguments, then the options, then the command.
 */
function actionOf(load: CommandEntry['load'], signal: AbortSignal) {
  return async (...args: unknown[]) => {
    const [{ runCommand }, module] = await Promise.all([import('./run-command.js'), load()]);
    await runCommand(args.at(-1) as Command<unknown[], OptionValues>, args.slice(0, -2), signal, module);
  };
}

/**
 * An option's help. A default that the core fills in is declared on the option with
 * `.default(undefined, text)`: shown here, never set (commander shows a default only when it sets one).
 */
function describeOption(option: Option): string {
  const described = new Help().optionDescription(option);
  const unset = option.defaultValue === undefined && option.defaultValueDescription !== undefined;
  return unset ? `${described} (default: ${option.defaultValueDescription})` : described;
}

/** The whole `tomcat-pd` command line. */
export function buildProgram(signal: AbortSignal) {
  const program = new Command('tomcat-pd')
    .description('Zero-downtime parallel deployment for Apache Tomcat, through its Manager text API.')
    .version(packageJson.version, '-V, --version')
    // Options are read where they stand, so that `deploy --version 004` is deploy's own option;
    // the global ones are added to the command that runs as well, so they work after its name
    // too (only to that one, as it is about to parse: the others cost start-up time for nothing).
    .enablePositionalOptions()
    .hook('preSubcommand', (_program, command) => void withGlobalOptions(command, { withEnv: false }))
    // Parse errors throw (commands created below inherit this): cli.ts maps them to exit code 2.
    .exitOverride()
    .showHelpAfterError("Usage: tomcat-pd [options] [command]\n(run 'tomcat-pd --help' for more)")
    .configureHelp({ optionDescription: describeOption })
    .addHelpText(
      'after',
      '\nThe password comes from $TOMCAT_PD_PASSWORD, --password-stdin, or the config target\n' +
        '(passwordEnv / passwordFile); there is no password flag. Exit codes: 0 ok, 1 failed,\n' +
        '2 bad usage or input, 3 refused by a safety rule, 4 cannot connect or authenticate,\n' +
        '5 the release lock is held by another controller (or was lost).\n' +
        examples(
          'TOMCAT_PD_PASSWORD=... tomcat-pd --url http://tomcat:8080/manager --user deployer status',
          'tomcat-pd deploy target/shop.war --path /shop',
        ),
    );
  for (const entry of COMMANDS) program.addCommand(commandOf(entry, program, signal));
  return withGlobalOptions(program, { withEnv: true });
}

/** A command of the program (or of a group), with its action, or its subcommands. */
function commandOf(
  entry: CommandEntry | CommandGroup,
  parent: Command<unknown[], OptionValues>,
  signal: AbortSignal,
  group?: string,
) {
  const command = entry.define().copyInheritedSettings(parent);
  // The group's name is passed in: while it is built, the group is not yet the program's child.
  const name = group === undefined ? command.name() : `${group} ${command.name()}`;
  if ('subcommands' in entry) {
    // The global options go to the subcommand that runs too, as the program's hook does for a command.
    command.hook(
      'preSubcommand',
      (_group, subcommand) => void withGlobalOptions(subcommand, { withEnv: false }),
    );
    for (const subcommand of entry.subcommands)
      command.addCommand(commandOf(subcommand, command, signal, command.name()));
  } else {
    command.action(actionOf(entry.load, signal));
  }
  return command.showHelpAfterError(
    `Usage: tomcat-pd ${name} ${command.usage()}\n(run 'tomcat-pd ${name} --help' for more)`,
  );
}
