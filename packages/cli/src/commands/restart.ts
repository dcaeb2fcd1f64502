import { Command, Option } from '@commander-js/extra-typings';
import { RESTART_DEFAULTS } from '@tomcat-pd/core/internal';
import { examples } from '../command-line.js';
import { formatDuration } from '../flags/flag-values.js';

/** `tomcat-pd restart --exec CMD`: what it does is in actions/restart.ts. */
export function defineRestart() {
  return new Command('restart')
    .description(
      'restarts every Tomcat one by one behind the balancers: drain, wait, maint, your command, check, ready',
    )
    .option('--exec <command>', 'the shell command that restarts one Tomcat, run here')
    .option(
      '--exec-on-target <command>',
      "the shell command that restarts one Tomcat, run on the target's own host over its SSH connection",
    )
    .addOption(
      new Option('--max-drain <duration>', "how long a target's visitors may take to leave").default(
        undefined,
        formatDuration(RESTART_DEFAULTS.maxDrainMs),
      ),
    )
    .addOption(
      new Option(
        '--on-max-drain <what>',
        'then: fail (put it back to ready, stop) or proceed (sessions lost)',
      )
        .choices(['fail', 'proceed'] as const)
        .default(undefined, RESTART_DEFAULTS.onMaxDrain),
    )
    .option('--expire-idle <minutes>', 'expire sessions idle this long while draining')
    .addOption(
      new Option(
        '--probe <path...>',
        'a path under each app that must answer 2xx or 3xx after the restart',
      ).default(undefined, "the config's defaults.probe, else OPTIONS at each app's root (no session made)"),
    )
    .addOption(
      new Option(
        '--exec-timeout <duration>',
        'how long the command may run; past it, it is killed and the target left in maint',
      ).default(undefined, formatDuration(RESTART_DEFAULTS.execTimeoutMs)),
    )
    .addOption(
      new Option(
        '--start-timeout <duration>',
        'how long the Manager and the apps may take to run again',
      ).default(undefined, formatDuration(RESTART_DEFAULTS.startTimeoutMs)),
    )
    .option('--dry-run', 'print the order and the steps, change nothing')
    .addHelpText(
      'after',
      '\nFor each target in config order (or --target order), one at a time: drain it on every balancer,\n' +
        'wait until its sessions and in-flight requests are gone, put it in maint, run the command\n' +
        '(with TOMCAT_PD_TARGET, TOMCAT_PD_MANAGER_URL, TOMCAT_PD_APP_URL in its environment), wait until\n' +
        'its Manager and apps run again, probe them directly, make it ready and wait until it is up.\n' +
        'Refused (exit 3) when fewer than two members take new visitors. A failure leaves that target in\n' +
        'maint (in the drain or its wait: as it was), stops, and exits 1 naming the --target to resume with.\n' +
        'Ctrl-C before the command ran puts the target back as it was; after, it is checked and made ready\n' +
        'first, then the roll stops (non-zero). Never run a second restart while one runs.\n' +
        'With --exec-on-target the command runs on each target\'s host over its SSH connection ("ssh" in\n' +
        "the config), with the same variables; its output is prefixed with the target, as --exec's.\n" +
        examples(
          "tomcat-pd restart --exec 'ssh $TOMCAT_PD_TARGET sudo systemctl restart tomcat10'",
          "tomcat-pd restart --exec-on-target 'sudo systemctl restart tomcat10'",
          "tomcat-pd restart --target web2,web3 --exec 'ssh $TOMCAT_PD_TARGET sudo systemctl restart tomcat10' --max-drain 10m --on-max-drain proceed",
          'tomcat-pd restart --exec ./upgrade-tomcat.sh --dry-run',
        ),
    );
}

export type RestartFlags = ReturnType<ReturnType<typeof defineRestart>['opts']>;
