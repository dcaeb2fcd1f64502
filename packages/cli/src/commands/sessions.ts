import { Command, Option } from '@commander-js/extra-typings';
import { examples } from '../command-line.js';

/** `tomcat-pd sessions`: its options and help; what it does is in actions/sessions.ts. */
export function defineSessions() {
  return new Command('sessions')
    .description('the idle-time histogram of the sessions of each version (a read: expires nothing)')
    .addOption(new Option('--path <path>', 'the app').default(undefined, 'the config default'))
    .option('--version <version>', 'only this version')
    .addHelpText('after', examples('tomcat-pd sessions --path /shop'));
}

/** The values of sessions's options, as commander gives them. */
export type SessionsFlags = ReturnType<ReturnType<typeof defineSessions>['opts']>;
