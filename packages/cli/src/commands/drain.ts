import { Command, Option } from '@commander-js/extra-typings';
import { DEFAULT_GRACE_MS, DRAIN_PLAN_DEFAULTS } from '@tomcat-pd/core/internal';
import { examples } from '../command-line.js';
import { withAfterwardsOptions } from '../flags/afterwards-flags.js';
import { formatDuration } from '../flags/flag-values.js';

/** How long `drain --wait` waits unless `--wait-timeout` says. */
export const DEFAULT_WAIT_TIMEOUT_MS = 30 * 60_000;
/** A drain lists every app on the server: more often than each second only loads Tomcat. */
export const MIN_EVERY_MS = 1_000;

/** `tomcat-pd drain`: its options and help; what it does is in actions/drain.ts. */
export function defineDrain() {
  const command = new Command('drain')
    .description('undeploy old versions once their last session is gone')
    .addOption(new Option('--path <path>', 'only this app').default(undefined, 'every app'))
    .addOption(
      new Option('--keep <n>', 'spare the N newest older running versions, for rollback').default(
        undefined,
        String(DRAIN_PLAN_DEFAULTS.keep),
      ),
    )
    .option('--expire-idle <minutes>', 'first expire sessions idle for at least this many minutes')
    .addOption(
      new Option('--grace <duration>', 'how long a version must stay drained before it goes').default(
        undefined,
        formatDuration(DEFAULT_GRACE_MS),
      ),
    )
    // One mode at a time: a plan, one drain (the default), a drain until done, or a loop.
    .addOption(
      new Option('--dry-run', 'show the plan and the reason for each version; change nothing').conflicts([
        'wait',
        'every',
      ]),
    )
    .addOption(new Option('--wait', 'keep draining until no old version is left').conflicts('every'))
    .addOption(
      new Option('--wait-timeout <duration>', 'with --wait: give up after this long').default(
        undefined,
        formatDuration(DEFAULT_WAIT_TIMEOUT_MS),
      ),
    )
    .option(
      '--every <duration>',
      `keep running, draining on this interval (at least ${formatDuration(MIN_EVERY_MS)}), until SIGINT/SIGTERM`,
    );
  return withAfterwardsOptions(command, { periodic: true }).addHelpText(
    'after',
    examples(
      'tomcat-pd drain --dry-run',
      'tomcat-pd drain --path /shop --keep 1',
      'tomcat-pd drain --wait --wait-timeout 1h',
      'tomcat-pd drain --every 5m --json',
      'tomcat-pd drain --path /shop --check-leaks',
    ),
  );
}

/** The values of drain's options, as commander gives them. */
export type DrainFlags = ReturnType<ReturnType<typeof defineDrain>['opts']>;
