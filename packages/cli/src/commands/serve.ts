import { Command, Option } from '@commander-js/extra-typings';
import { MIN_ANALYSIS_INTERVAL_MS } from '@tomcat-pd/core/internal';
import { examples } from '../command-line.js';
import { formatDuration } from '../flags/flag-values.js';

/** This machine only: a page of every target's versions is not for the whole network by default. */
export const DEFAULT_LISTEN = '127.0.0.1:9440';
export const DEFAULT_INTERVAL_MS = 10_000;
/** Each interval reads `list` from every target: more often than each second only loads Tomcat. */
export const MIN_INTERVAL_MS = 1_000;

/** `tomcat-pd serve`: its options and help; what it does is in actions/serve.ts. */
export function defineServe() {
  return new Command('serve')
    .description(
      'a read-only web page of every target: versions and roles, sessions, metrics; live, with /metrics for Prometheus',
    )
    .addOption(
      new Option('--listen <host:port>', 'where to listen (0.0.0.0:PORT for every interface)').default(
        undefined,
        DEFAULT_LISTEN,
      ),
    )
    .addOption(
      new Option(
        '--interval <duration>',
        `how often each target is read (at least ${formatDuration(MIN_INTERVAL_MS)}; ` +
          `Tomcat's status page at most every ${formatDuration(MIN_ANALYSIS_INTERVAL_MS)})`,
      ).default(undefined, formatDuration(DEFAULT_INTERVAL_MS)),
    )
    .addHelpText(
      'after',
      '\nServes / (the page), /events (its live updates), /api/status (JSON, as status --metrics --json),\n' +
        '/metrics (Prometheus) and /healthz. Only GET and HEAD: nothing on it changes Tomcat, and no\n' +
        'password is shown. Runs until SIGINT or SIGTERM (exit 0).\n' +
        examples(
          'tomcat-pd serve',
          'tomcat-pd serve --listen 0.0.0.0:9440 --interval 30s',
          'tomcat-pd --config /etc/tomcat-pd/tomcat-pd.json serve --parallel 8',
        ),
    );
}

/** The values of serve's options, as commander gives them. */
export type ServeFlags = ReturnType<ReturnType<typeof defineServe>['opts']>;
