import { parseStatusRange, validateProbeOptions, type ProbeOptions } from '@tomcat-pd/core';
import type { ConfigFile } from './config-file.js';
import { parseDuration } from './durations.js';
import { refuseStrayOptions } from './option-values.js';

/** The probe options of a command line, as commander gives them. */
export interface ProbeFlags {
  probe?: string[];
  smoke?: string[];
  expect?: string;
  expectStatus?: string;
  probeTimeout?: string;
}

/**
 * `--probe` and `--smoke` (or the config's `defaults.probe`/`defaults.smoke`) with the options they
 * share, as the core's probe options. `--expect`, `--expect-status` and `--probe-timeout` need a
 * probe to apply to.
 */
export function parseProbeFlags(
  flags: ProbeFlags,
  defaults: ConfigFile['defaults'],
  { smoke: withSmoke }: { smoke: boolean },
): { probe: ProbeOptions | undefined; smoke: ProbeOptions | undefined } {
  const probePaths = flags.probe ?? defaults.probe;
  const smokePaths = withSmoke ? (flags.smoke ?? defaults.smoke) : undefined;
  const shared = {
    expectText: flags.expect,
    expectStatus: flags.expectStatus === undefined ? undefined : parseStatusRange(flags.expectStatus),
    timeoutMs:
      flags.probeTimeout === undefined ? undefined : parseDuration(flags.probeTimeout, '--probe-timeout'),
  };
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
  const probe = probePaths === undefined ? undefined : { paths: probePaths, ...shared };
  const smoke = smokePaths === undefined ? undefined : { paths: smokePaths, ...shared };
  // A bad path is refused before anything is deployed.
  for (const options of [probe, smoke]) if (options !== undefined) validateProbeOptions(options);
  return { probe, smoke };
}
