import { Command, Option } from '@commander-js/extra-typings';
import { examples } from '../command-line.js';

/** `tomcat-pd history`: its options and help; what it does is in actions/history.ts. */
export function defineHistory() {
  return new Command('history')
    .description('every resident version of an app, newest first: build id, deployed at, what it served')
    .addOption(new Option('--path <path>', 'the app').default(undefined, 'the config default'))
    .addHelpText(
      'after',
      examples('tomcat-pd history --path /shop', 'tomcat-pd history --path /shop --json'),
    );
}

/** The values of history's options, as commander gives them. */
export type HistoryFlags = ReturnType<ReturnType<typeof defineHistory>['opts']>;
