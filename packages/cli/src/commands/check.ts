import { Command, Option } from '@commander-js/extra-typings';
import { examples } from '../command-line.js';

/** `tomcat-pd check <war>`: its options and help; what it does is in actions/check.ts. */
export function defineCheck() {
  return new Command('check')
    .description('the parallel-deployment checklist of a WAR: can two versions of it run side by side?')
    .argument('<war>', 'the WAR file (read in place, not unpacked)')
    .addOption(
      new Option('--path <path>', 'the context path it will have').default(
        undefined,
        'from the file name, as Tomcat does',
      ),
    )
    .addHelpText(
      'after',
      '\nEach finding is an error (a second version cannot work: exit 3, and deploy refuses the WAR),\n' +
        'a warning (exit 0; deploy prints it and goes on) or advice. No Tomcat is needed.\n' +
        examples('tomcat-pd check target/shop.war', 'tomcat-pd check target/shop.war --path /shop --json'),
    );
}

/** The values of check's options, as commander gives them. */
export type CheckFlags = ReturnType<ReturnType<typeof defineCheck>['opts']>;
