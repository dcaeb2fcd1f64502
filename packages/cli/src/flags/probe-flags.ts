import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { PROBE_DEFAULTS } from '@tomcat-pd/core/internal';
import type { ProbeOptions } from '@tomcat-pd/core';
import type { ConfigFile } from '../config-file.js';
import {
  collectPaths,
  formatDuration,
  parseDuration,
  parseStatusRange,
  refuseStrayOptions,
} from './flag-values.js';

const { min, max } = PROBE_DEFAULTS.expectStatus;

/**
 * `--probe PATH` (`probe`: its help) and the options that tune a probe (`what`: the probe, or the
 * probe or smoke test). Their defaults are the core's, shown in the help without being set: the
 * core fills them in.
 */
export function withProbeOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
  { probe, what }: { probe: string; what: string },
) {
  return command
    .option('--probe <path>', probe, collectPaths)
    .option('--expect <text>', `the ${what}'s body must contain TEXT`)
    .addOption(
      new Option('--expect-status <range>', `statuses that count as healthy for the ${what}`).default(
        undefined,
        `${min}-${max}`,
      ),
    )
    .addOption(
      new Option('--probe-timeout <duration>', `how long the ${what} waits for the app to come up`).default(
        undefined,
        formatDuration(PROBE_DEFAULTS.timeoutMs),
      ),
    );
}

/** The values of the probe's options, as commander gives them. */
export interface ProbeFlags {
  probe?: string[] | undefined;
  smoke?: string[] | undefined;
  expect?: string | undefined;
  expectStatus?: string | undefined;
  probeTimeout?: string | undefined;
}

/**
 * `--probe` and `--smoke` (or the config's `defaults.probe`/`defaults.smoke`, for a deploy) with
 * the options they share, as the core's probe options, which the core then checks. `--expect`,
 * `--expect-status` and `--probe-timeout` need a probe to apply to.
 */
export function probeOptionsOf(
  flags: ProbeFlags,
  defaults: Pick<ConfigFile['defaults'], 'probe' | 'smoke'>,
  { smoke: withSmoke }: { smoke: boolean },
): { probe: ProbeOptions | undefined; smoke: ProbeOptions | undefined } {
  const probePaths = flags.probe ?? defaults.probe;
  const smokePaths = withSmoke ? (flags.smoke ?? defaults.smoke) : undefined;
  if (probePaths === undefined && smokePaths === undefined) {
    refuseStrayOptions(
      [
        ['--expect', flags.expect],
        ['--expect-status', flags.expectStatus],
        ['--probe-timeout', flags.probeTimeout],
      ],
      (flag) =>
        `${flag} applies to a probe, and none is asked for: give ${withSmoke ? '--probe or --smoke' : '--probe'} too.`,
    );
  }
  const shared = {
    expectText: flags.expect,
    expectStatus: flags.expectStatus === undefined ? undefined : parseStatusRange(flags.expectStatus),
    timeoutMs:
      flags.probeTimeout === undefined ? undefined : parseDuration(flags.probeTimeout, '--probe-timeout'),
  };
  return {
    probe: probePaths === undefined ? undefined : { paths: probePaths, ...shared },
    smoke: smokePaths === undefined ? undefined : { paths: smokePaths, ...shared },
  };
}
