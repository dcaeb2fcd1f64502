import { startingConfig, type BalancerType } from '@tomcat-pd/core/balancers';
import { requirePath, type CommandLine } from '../command-line.js';
import type { LbConfigFlags } from '../commands/lb.js';
import type { CliContext } from '../context.js';
import { parseWholeNumber } from '../flags/flag-values.js';
import { lbConfigDocument } from '../render/lb-config.js';
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
 * or file, its backend, its members); for nginx, stderr says which file nginx needs first.
 */
export function run(context: CliContext, input: LbConfigInput): Promise<void> {
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
  const document = lbConfigDocument(input.type, text, facts.admin);
  context.output.result(document, () => text.trimEnd());
  if (document.file !== undefined) {
    context.output.info(
      `nginx does not start while ${document.file} is missing: it holds the upstreams and maps that ` +
        "tomcat-pd's nginx balancer rewrites, with every member ready at first.",
    );
  }
  // Nothing to wait for: the configuration is rendered, not fetched.
  return Promise.resolve();
}
