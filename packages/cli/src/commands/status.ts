import { Command, Option } from '@commander-js/extra-typings';
import { DEFAULT_MAX_RESIDENT, MIN_ANALYSIS_INTERVAL_MS } from '@tomcat-pd/core/internal';
import { examples } from '../command-line.js';
import { formatDuration } from '../flags/flag-values.js';

/** How often `status --watch` reads unless `--interval` says: `list` is cheap. */
export const WATCH_INTERVAL_MS = 5_000;

/** `tomcat-pd status`: its options and help; what it does is in actions/status.ts. */
export function defineStatus() {
  return new Command('status')
    .description('every app and version: state, sessions, live / draining / drained')
    .option('--path <path>', 'only this app')
    .option(
      '--metrics',
      "add what Tomcat's status page knows of each version: deployed at, sessions served, requests, " +
        "errors, and when a draining version is empty; and the JVM's Metaspace (Tomcat 9.0.83+, 10.1.16+, 11; slower)",
    )
    .addOption(
      new Option(
        '--max-resident <n>',
        'warn when more versions than this of one app are resident on a target',
      ).default(undefined, String(DEFAULT_MAX_RESIDENT)),
    )
    .option(
      '--watch',
      'read again every interval until Ctrl-C: on a terminal the table is redrawn with what changed highlighted; ' +
        'otherwise it is printed again only when it changed (--json: one line per change)',
    )
    .addOption(
      new Option(
        '--interval <duration>',
        `between two reads of --watch (at least ${formatDuration(MIN_ANALYSIS_INTERVAL_MS)} with --metrics)`,
      ).default(undefined, formatDuration(WATCH_INTERVAL_MS)),
    )
    .addHelpText(
      'after',
      examples(
        'tomcat-pd status',
        'tomcat-pd status --max-resident 3',
        'tomcat-pd status --watch --path /shop',
        'tomcat-pd status --path /shop --json',
        'tomcat-pd status --path /shop --metrics',
      ),
    );
}

/** The values of status's options, as commander gives them. */
export type StatusFlags = ReturnType<ReturnType<typeof defineStatus>['opts']>;
