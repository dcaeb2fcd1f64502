import { Argument, Command, Option } from '@commander-js/extra-typings';
import { BALANCER_TYPES, DRAIN_TARGET_DEFAULTS, STARTING_CONFIG_DEFAULTS } from '@tomcat-pd/core/internal';
import { examples } from '../command-line.js';
import { formatDuration } from '../flags/flag-values.js';

const BALANCER_OPTION = ['--balancer <name>', 'only this balancer of the config'] as const;

/** `tomcat-pd lb status`: what it does is in actions/lb-status.ts. */
export function defineLbStatus() {
  return new Command('status')
    .description(
      "each balancer's members: their state, health, requests in flight, and Tomcat's sessions there",
    )
    .option(...BALANCER_OPTION)
    .addHelpText('after', examples('tomcat-pd lb status', 'tomcat-pd lb status --balancer lb1 --json'));
}

/** `tomcat-pd lb drain <target>`: what it does is in actions/lb-drain.ts. */
export function defineLbDrain() {
  return new Command('drain')
    .description(
      'no new visitors for a target; those with a session there keep it (on every balancer that has it)',
    )
    .argument('<target>', 'the target (a Tomcat of the config) to drain')
    .option(...BALANCER_OPTION)
    .option('--force', 'drain it even if no other member would take new visitors')
    .option('--wait', "wait until Tomcat holds no visitor's session there")
    .addOption(
      new Option('--max-wait <duration>', 'with --wait: give up (exit 1) after this long').default(
        undefined,
        formatDuration(DRAIN_TARGET_DEFAULTS.maxWaitMs),
      ),
    )
    .option('--expire-idle <minutes>', 'with --wait: expire sessions idle this long on each read')
    .addHelpText(
      'after',
      examples('tomcat-pd lb drain web1', 'tomcat-pd lb drain web1 --wait --max-wait 45m --expire-idle 20'),
    );
}

/** `tomcat-pd lb maint <target>`: what it does is in actions/lb-maint.ts. */
export function defineLbMaint() {
  return new Command('maint')
    .description('no visitors at all for a target: those with a session there are sent elsewhere and lose it')
    .argument('<target>', 'the target (a Tomcat of the config)')
    .option(...BALANCER_OPTION)
    .option('--force', 'even if no other member would take new visitors')
    .addHelpText('after', examples('tomcat-pd lb drain web1 --wait && tomcat-pd lb maint web1'));
}

/** `tomcat-pd lb ready <target>`: what it does is in actions/lb-ready.ts. */
export function defineLbReady() {
  return new Command('ready')
    .description('new visitors again for a target, once its Tomcat and every app on it answer')
    .argument('<target>', 'the target (a Tomcat of the config)')
    .option(...BALANCER_OPTION)
    .addOption(
      new Option('--probe <path...>', 'a path under each app that must answer 2xx or 3xx first').default(
        undefined,
        "the config's defaults.probe, else OPTIONS at each app's root (no session made)",
      ),
    )
    .addHelpText('after', examples('tomcat-pd lb ready web1', 'tomcat-pd lb ready web1 --probe /health'));
}

/** `tomcat-pd lb config <type>`: what it does is in actions/lb-config.ts. */
export function defineLbConfig() {
  return new Command('config')
    .description(
      "prints a starting configuration of a balancer for the config file's targets, that works with the lb commands",
    )
    .addArgument(new Argument('<type>', 'the kind of balancer').choices(BALANCER_TYPES))
    .addOption(new Option('--path <path>', "the app's context path").default(undefined, 'the config default'))
    .addOption(
      new Option('--probe <path>', 'a path under the app that answers 2xx or 3xx without a session').default(
        undefined,
        "the config's first defaults.probe, else OPTIONS at the app's root (no session made)",
      ),
    )
    .addOption(
      new Option(
        '--session-timeout <minutes>',
        "HAProxy: the app's session timeout, after which its persistence cookie is ignored",
      ).default(undefined, String(STARTING_CONFIG_DEFAULTS.sessionTimeoutMinutes)),
    )
    .addOption(
      new Option('--listen <[address:]port>', 'HAProxy and nginx: where visitors come in').default(
        undefined,
        STARTING_CONFIG_DEFAULTS.listen,
      ),
    )
    .addHelpText(
      'after',
      "\nThe members are the targets of the config file, named as their Tomcat's jvmRoute, at the host\n" +
        'and port of their appUrl (else their Manager URL). A balancer of that type in the config gives\n' +
        'its admin endpoint (socket, console, file), its backend or balancer name, and its members map.\n' +
        "nginx: the balancer's file, which nginx includes, is written (every member ready) unless it is there.\n" +
        'The configuration goes to stdout; README "lb config" explains each line.\n' +
        examples(
          'tomcat-pd lb config haproxy --path /shop > /etc/haproxy/haproxy.cfg',
          'tomcat-pd lb config mod_jk --path /shop --probe /health',
          'tomcat-pd lb config nginx --json',
        ),
    );
}

/** `tomcat-pd lb`: the load balancers in front of the targets; its subcommands come from program.ts. */
export function defineLb() {
  return new Command('lb')
    .description('the load balancers in front of the Tomcats: status, drain, maint, ready, config')
    .addHelpText(
      'after',
      '\nThe balancers are the config file\'s "balancers" (HAProxy, mod_jk, mod_proxy_balancer, nginx).\n' +
        examples('tomcat-pd lb status', 'tomcat-pd lb drain web1 --wait', 'tomcat-pd lb ready web1'),
    );
}

export type LbStatusFlags = ReturnType<ReturnType<typeof defineLbStatus>['opts']>;
export type LbDrainFlags = ReturnType<ReturnType<typeof defineLbDrain>['opts']>;
export type LbMaintFlags = ReturnType<ReturnType<typeof defineLbMaint>['opts']>;
export type LbConfigFlags = ReturnType<ReturnType<typeof defineLbConfig>['opts']>;
export type LbReadyFlags = ReturnType<ReturnType<typeof defineLbReady>['opts']>;
