import type { Command, OptionValues } from '@commander-js/extra-typings';
import { withProbeOptions } from './probe-flags.js';

/**
 * What rollback, undeploy and drain may do after they changed the server: probe the live version
 * (`--probe`) and ask which class loaders stayed behind (`--check-leaks`).
 */
export function withAfterwardsOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
  { periodic }: { periodic: boolean },
) {
  return withProbeOptions(command, {
    probe:
      'afterwards, request PATH (e.g. /health) under the app and fail unless the live version answers healthy (repeatable)',
    what: 'probe',
  }).option(
    '--check-leaks',
    "afterwards, ask Tomcat's findleaks which class loaders stayed behind (only a restart frees them); " +
      `it forces a full GC on the server${periodic ? ', so --every runs it at most once an hour' : ''}`,
  );
}
