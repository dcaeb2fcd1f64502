import { Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { DEFAULT_PARALLEL, LOCK_DEFAULTS, REQUEST_DEFAULTS } from '@tomcat-pd/core/internal';
import { DEFAULT_CONFIG_FILE } from './config-file.js';
import { formatDuration } from './flags/flag-values.js';

/**
 * The options every command accepts, before or after its name: on the program with their
 * environment variables, on each command without them and hidden from its help (the environment
 * is read once, at the program, so that a flag always beats it). Defaults shown are the core's.
 */
export function withGlobalOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
  { withEnv }: { withEnv: boolean },
) {
  const option = <Flags extends string>(flags: Flags, description: string, env?: string) => {
    const made = new Option(flags, description);
    if (withEnv && env !== undefined) made.env(env);
    return withEnv ? made : made.hideHelp();
  };
  return command
    .addOption(option('--url <url>', 'Manager base URL, e.g. http://host:8080/manager', 'TOMCAT_PD_URL'))
    .addOption(option('--user <name>', 'a user with the manager-script role', 'TOMCAT_PD_USER'))
    .addOption(option('--password-stdin', 'read the password from standard input (else $TOMCAT_PD_PASSWORD)'))
    .addOption(
      option('--config <file>', 'config file').default(undefined, `./${DEFAULT_CONFIG_FILE} if present`),
    )
    .addOption(option('--target <names>', 'config targets to use, comma-separated').default(undefined, 'all'))
    .addOption(option('--json', 'print one JSON document on stdout'))
    .addOption(option('--verbose', 'log every request (never a secret)'))
    .addOption(option('--quiet', 'print only errors'))
    .addOption(
      option('--timeout <duration>', 'time-out of one Manager request').default(
        undefined,
        formatDuration(REQUEST_DEFAULTS.timeoutMs),
      ),
    )
    .addOption(
      option('--retries <n>', 'retries of a read after a transient failure').default(
        undefined,
        String(REQUEST_DEFAULTS.retries),
      ),
    )
    .addOption(option('--ca-file <file>', 'trust the certificate authorities in this PEM file (https)'))
    .addOption(option('--cert-file <file>', 'client certificate (PEM), if Tomcat asks for one'))
    .addOption(option('--key-file <file>', "the client certificate's key (PEM)"))
    .addOption(option('--insecure', 'accept any TLS certificate (dangerous: for tests only)'))
    .addOption(
      option(
        '--ssh <user@host[:port]>',
        'reach the --url Manager through SSH to its host (--url as seen there); config targets take "ssh"',
        'TOMCAT_PD_SSH',
      ),
    )
    .addOption(
      option(
        '--ssh-key <file>',
        'SSH private key for every SSH connection (passphrase: $TOMCAT_PD_SSH_PASSPHRASE)',
      ).default(undefined, 'the SSH agent'),
    )
    .addOption(
      option('--ssh-known-hosts <file>', 'the known hosts SSH host keys are checked against').default(
        undefined,
        '$HOME/.ssh/known_hosts',
      ),
    )
    .addOption(
      option('--app-url <url>', 'where visitors reach Tomcat, for probes').default(
        undefined,
        "the Manager URL's scheme, host and port",
      ),
    )
    .addOption(
      option('--parallel <n>', 'how many targets are worked on at once').default(
        undefined,
        String(DEFAULT_PARALLEL),
      ),
    )
    .addOption(
      option(
        '--audit-log <file>',
        'append a JSON line per change to this file (README: Audit trail)',
      ).default(undefined, '"auditLog" in the config file, else none'),
    )
    .addOption(
      option(
        '--lock-wait <duration>',
        'a command that changes Tomcat waits this long for the release lock held by another (README: Lock)',
      ).default(undefined, 'no wait: exit 5 after three quick tries'),
    )
    .addOption(
      option(
        '--lock-ttl <duration>',
        'how long the release lock outlives a crashed holder (renewed while it runs)',
      ).default(undefined, formatDuration(LOCK_DEFAULTS.ttlMs)),
    )
    .addOption(option('--no-color', 'no colours (also with NO_COLOR)'));
}

/** The global options' values, as commander gives them. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the options of a command with none of its own
export type GlobalOptions = ReturnType<ReturnType<typeof withGlobalOptions<[], {}>>['opts']> & {
  /** True when the URL came from TOMCAT_PD_URL rather than a flag: a --target flag then wins. */
  urlFromEnv: boolean;
};

/** The attribute names of the global options (`passwordStdin`, ...). */
const GLOBAL_KEYS = withGlobalOptions(new Command(), { withEnv: false }).options.map((option) =>
  option.attributeName(),
);

/**
 * The global options as given: a flag after the command name, else the program's value (a flag
 * before the name, or its environment variable).
 */
export function globalOptions(command: Command<unknown[], OptionValues>): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  const afterName = (key: string) => command !== root && command.getOptionValueSource(key) === 'cli';
  const merged: Record<string, unknown> = {};
  for (const key of GLOBAL_KEYS) {
    merged[key] = afterName(key) ? command.getOptionValue(key) : root.getOptionValue(key);
  }
  const urlFromEnv =
    merged.url !== undefined && root.getOptionValueSource('url') === 'env' && !afterName('url');
  return { ...(merged as Omit<GlobalOptions, 'urlFromEnv'>), urlFromEnv };
}
