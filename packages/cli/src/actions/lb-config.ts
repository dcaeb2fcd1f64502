import {
  startingConfig,
  writeStartingNginxFile,
  type BalancerType,
  type NginxBalancerOptions,
} from '@tomcat-pd/core/balancers';
import { STARTING_CONFIG_ADMIN } from '@tomcat-pd/core/internal';
import { balancerOptions, type BalancerConfig } from '../balancer-config.js';
import { requirePath, type CommandLine } from '../command-line.js';
import type { LbConfigFlags } from '../commands/lb.js';
import type { CliContext } from '../context.js';
import { parseWholeNumber } from '../flags/flag-values.js';
import { lbConfigDocument, renderManagedFile, type ManagedFileOutcome } from '../render/lb-config.js';
import { entryFacts, membersOf } from './lb-config-targets.js';

interface LbConfigInput {
  type: BalancerType;
  path: string;
  probe: string | undefined;
  sessionTimeoutMinutes: number | undefined;
  listen: string | undefined;
}

/** The app's path (--path, else defaults.path), the probe (--probe, else the first defaults.probe). */
export function parse({ args, flags, defaults }: CommandLine<LbConfigFlags>): LbConfigInput {
  return {
    // commander refused any other type (choices), with the usage line.
    type: args[0] as BalancerType,
    path: requirePath(flags.path, defaults),
    probe: flags.probe ?? defaults.probe?.[0],
    sessionTimeoutMinutes:
      flags.sessionTimeout === undefined
        ? undefined
        : parseWholeNumber(flags.sessionTimeout, '--session-timeout', 1),
    listen: flags.listen,
  };
}

/**
 * `tomcat-pd lb config <type>`: a starting configuration for the config file's targets, on
 * stdout. It matches the config's balancer of that type where there is one (its socket, console
 * or file, its backend, its members). For nginx, whose configuration includes a file that must
 * exist before it starts, that balancer's file is written (every member ready) unless it is there.
 */
export async function run(context: CliContext, input: LbConfigInput): Promise<void> {
  const entry = context.config?.balancers.find((balancer) => balancer.type === input.type);
  const facts = entryFacts(entry);
  const text = startingConfig(input.type, {
    path: input.path,
    targets: membersOf(context.config, entry),
    probe: input.probe,
    sessionTimeoutMinutes: input.sessionTimeoutMinutes,
    listen: input.listen,
    ...facts,
  });
  const file =
    input.type === 'nginx'
      ? { path: facts.admin ?? STARTING_CONFIG_ADMIN.nginx, outcome: await managedFile(entry, context) }
      : undefined;
  context.output.result(lbConfigDocument(input.type, text, file), () => text.trimEnd());
  if (file !== undefined) context.output.info(renderManagedFile(file));
}

/** nginx's managed file, written for the config's nginx balancer; untouched without one. */
async function managedFile(
  entry: BalancerConfig | undefined,
  context: CliContext,
): Promise<ManagedFileOutcome> {
  if (entry === undefined) return 'untouched';
  const shared = { ssh: { flags: {}, defaults: context.defaults }, logger: context.output.logger };
  return writeStartingNginxFile(balancerOptions(entry, process.env, shared) as NginxBalancerOptions);
}
