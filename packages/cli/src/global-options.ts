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
  { flags: '--parallel <n>', description: 'how many targets are worked on at once (default 4)' },
  { flags: '--no-color', description: 'no colours (also with NO_COLOR)' },
];

/** Per command, the global options it carries as copies (not the ones it defines itself). */
const globalCopies = new WeakMap<Command, Set<string>>();

/**
 * Adds the global options to the program (with their environment variables) or to a command
 * (without: the environment is read once, at the program, so that a flag always beats it).
 * Options the command defines itself are skipped: drain's own --timeout is its wait time-out.
 */
export function addGlobalOptions(command: Command, { withEnv }: { withEnv: boolean }): Command {
  const own = new Set(command.options.map((option) => option.long));
  const copies = new Set<string>();
  globalCopies.set(command, copies);
  for (const spec of GLOBAL_OPTIONS) {
    const option = new Option(spec.flags, spec.description);
    if (own.has(option.long)) continue;
    copies.add(option.attributeName());
    if (withEnv && spec.env) option.env(spec.env);
    // Shown once, in the program's help, not in every command's.
    if (!withEnv) option.hideHelp();
    command.addOption(option);
  }
  return command;
}

/**
 * The global options as given: a flag after the command name, else the program's value (a flag
 * before the name, or its environment variable).
 */
export function globalOptions(command: Command): GlobalOptions {
  let root = command;
  while (root.parent) root = root.parent;
  const merged: Record<string, unknown> = {};
  for (const key of root.options.map((option) => option.attributeName())) {
    // A command's own option of the same name (drain's --timeout) is not the global one.
    merged[key] = fromCommandFlag(command, key) ? command.getOptionValue(key) : root.getOptionValue(key);
  }
  const urlFromEnv =
    merged.url !== undefined &&
    root.getOptionValueSource('url') === 'env' &&
    !fromCommandFlag(command, 'url');
  return { ...(merged as unknown as GlobalOptions), urlFromEnv };
}

/** Whether a global option was typed after the command's name (as the command's copy of it). */
function fromCommandFlag(command: Command, key: string): boolean {
  // A command's own option of the same name (drain's --timeout) is not the global one.
  const isCopy = globalCopies.get(command)?.has(key) ?? false;
  return command.parent !== null && isCopy && command.getOptionValueSource(key) === 'cli';
}
