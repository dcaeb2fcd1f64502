import { Option, type Command } from 'commander';

/** The global options every command accepts, before or after its name. */
export interface GlobalOptions {
  url?: string;
  user?: string;
  target?: string;
  passwordStdin?: boolean;
  config?: string;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  timeout?: string;
  retries?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecure?: boolean;
  appUrl?: string;
  parallel?: string;
  color: boolean;
  /** True when the URL came from TOMCAT_PD_URL rather than a flag: a --target flag then wins. */
  urlFromEnv?: boolean;
}

interface GlobalOptionSpec {
  flags: string;
  description: string;
  env?: string;
}

const GLOBAL_OPTIONS: readonly GlobalOptionSpec[] = [
  {
    flags: '--url <url>',
    description: 'Manager base URL, e.g. http://host:8080/manager',
    env: 'TOMCAT_PD_URL',
  },
  { flags: '--user <name>', description: 'a user with the manager-script role', env: 'TOMCAT_PD_USER' },
  {
    flags: '--password-stdin',
    description: 'read the password from standard input (else $TOMCAT_PD_PASSWORD)',
  },
  { flags: '--config <file>', description: 'config file (default: ./tomcat-pd.json if present)' },
  { flags: '--target <names>', description: 'config targets to use, comma-separated (default: all)' },
  { flags: '--json', description: 'print one JSON document on stdout' },
  { flags: '--verbose', description: 'log every request (never a secret)' },
  { flags: '--quiet', description: 'print only errors' },
  { flags: '--timeout <duration>', description: 'time-out of one Manager request (default 30s)' },
  { flags: '--retries <n>', description: 'retries of a read after a transient failure (default 3)' },
  { flags: '--ca-file <file>', description: 'trust the certificate authorities in this PEM file (https)' },
  { flags: '--cert-file <file>', description: 'client certificate (PEM), if Tomcat asks for one' },
  { flags: '--key-file <file>', description: "the client certificate's key (PEM)" },
  { flags: '--insecure', description: 'accept any TLS certificate (dangerous: for tests only)' },
  {
    flags: '--app-url <url>',
    description: "where visitors reach Tomcat, for probes (default: the Manager URL's scheme, host and port)",
  },
  { flags: '--parallel <n>', description: 'how many targets are worked on at once (default 4)' },
  { flags: '--no-color', description: 'no colours (also with NO_COLOR)' },
];

/**
 * Adds the global options to the program (with their environment variables) or to a command
 * (without: the environment is read once, at the program, so that a flag always beats it).
 */
export function addGlobalOptions(command: Command, { withEnv }: { withEnv: boolean }): Command {
  for (const spec of GLOBAL_OPTIONS) {
    const option = new Option(spec.flags, spec.description);
    if (withEnv && spec.env) option.env(spec.env);
    // Shown once, in the program's help, not in every command's.
    if (!withEnv) option.hideHelp();
    command.addOption(option);
  }
  return command;
}

const GLOBAL_KEYS = GLOBAL_OPTIONS.map((spec) => new Option(spec.flags).attributeName());

/**
 * The global options as given: a flag after the command name, else the program's value (a flag
 * before the name, or its environment variable).
 */
export function globalOptions(command: Command): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  const afterName = (key: string) => command !== root && command.getOptionValueSource(key) === 'cli';
  const merged: Record<string, unknown> = {};
  for (const key of GLOBAL_KEYS) {
    merged[key] = afterName(key) ? command.getOptionValue(key) : root.getOptionValue(key);
  }
  const urlFromEnv =
    merged.url !== undefined && root.getOptionValueSource('url') === 'env' && !afterName('url');
  return { ...(merged as unknown as GlobalOptions), urlFromEnv };
}
