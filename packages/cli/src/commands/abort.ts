import { Command, Option } from '@commander-js/extra-typings';
import { examples } from '../command-line.js';

/** `tomcat-pd abort`: its options and help; what it does is in actions/abort.ts. */
export function defineAbort() {
  return new Command('abort')
    .description(
      'undo a rollout that a pause in --steps stopped: its version goes from every target that took it, the one before is live again',
    )
    .addOption(new Option('--path <path>', 'the app').default(undefined, 'the config default'))
    .addHelpText('after', examples('tomcat-pd abort --path /shop', 'tomcat-pd --json abort --path /shop'));
}

/** The values of abort's options, as commander gives them. */
export type AbortFlags = ReturnType<ReturnType<typeof defineAbort>['opts']>;
