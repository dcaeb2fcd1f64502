import { Command, Option } from '@commander-js/extra-typings';
import { examples } from '../command-line.js';
import { withAfterwardsOptions } from '../flags/afterwards-flags.js';
import { withBlueGreenOptions } from '../flags/blue-green-flags.js';

/** `tomcat-pd rollback`: its options and help; what it does is in actions/rollback.ts. */
export function defineRollback() {
  const command = new Command('rollback')
    .description('remove the newest version(s) so that an older running one takes the traffic')
    .addOption(new Option('--path <path>', 'the app').default(undefined, 'the config default'))
    .addOption(
      new Option('--to <version>', 'the version to fall back to').default(
        undefined,
        'the previous running one',
      ),
    )
    .option('--stop', 'stop instead of undeploying: quick roll-forward, but a restart starts it again');
  return withBlueGreenOptions(
    withAfterwardsOptions(command, { periodic: false }),
    'go back to the other colour behind the balancers: ready it (it must still run the app), then drain the live one; nothing is undeployed',
  ).addHelpText(
    'after',
    examples(
      'tomcat-pd rollback --path /shop',
      'tomcat-pd rollback --path /shop --to 007 --stop',
      'tomcat-pd rollback --path /shop --blue-green --probe /health',
    ),
  );
}

/** The values of rollback's options, as commander gives them. */
export type RollbackFlags = ReturnType<ReturnType<typeof defineRollback>['opts']>;
