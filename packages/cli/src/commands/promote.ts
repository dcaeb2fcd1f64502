import { Command, Option } from '@commander-js/extra-typings';
import { examples } from '../command-line.js';

/** `tomcat-pd promote [war]`: its options and help; what it does is in actions/promote.ts. */
export function definePromote() {
  return new Command('promote')
    .description(
      'go on with a rollout that a pause in --steps stopped: the next steps, with the same version, probes and analysis',
    )
    .argument('[war]', 'the WAR the deploy was given (checked by its size and SHA-256)')
    .addOption(new Option('--path <path>', 'the app').default(undefined, 'the config default'))
    .addHelpText(
      'after',
      examples(
        'tomcat-pd deploy target/shop.war --path /shop --steps 1,pause,100% --probe /health',
        'tomcat-pd promote --path /shop target/shop.war',
        'tomcat-pd --json promote --path /shop target/shop.war',
      ),
    );
}

/** The values of promote's options, as commander gives them. */
export type PromoteFlags = ReturnType<ReturnType<typeof definePromote>['opts']>;
