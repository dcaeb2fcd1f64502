import { Command, Option } from '@commander-js/extra-typings';
import { examples } from '../command-line.js';
import { withAfterwardsOptions } from '../flags/afterwards-flags.js';

/** `tomcat-pd undeploy`: its options and help; what it does is in actions/undeploy.ts. */
export function defineUndeploy() {
  const command = new Command('undeploy')
    .description('undeploy one version (the live one only with --force)')
    .addOption(new Option('--path <path>', 'the app').default(undefined, 'the config default'))
    .requiredOption('--version <version>', 'the version to undeploy')
    .option('--force', 'also undeploy the live version');
  return withAfterwardsOptions(command, { periodic: false }).addHelpText(
    'after',
    examples('tomcat-pd undeploy --path /shop --version 003'),
  );
}

/** The values of undeploy's options, as commander gives them. */
export type UndeployFlags = ReturnType<ReturnType<typeof defineUndeploy>['opts']>;
