import { Option, type Command, type OptionValues } from '@commander-js/extra-typings';
import { BLUE_GREEN_DEFAULTS } from '@tomcat-pd/core/internal';
import { formatDuration, parseDuration, refuseStrayOptions } from './flag-values.js';

/** deploy's and rollback's `--blue-green` and the options that tune it, their defaults the core's. */
export function withBlueGreenOptions<Args extends unknown[], Opts extends OptionValues>(
  command: Command<Args, Opts>,
  blueGreen: string,
) {
  return command
    .option('--blue-green', blueGreen)
    .option(
      '--wait-drain',
      'with --blue-green: wait until the colour that leaves has no visitor left, then put it in maint',
    )
    .addOption(
      new Option(
        '--max-drain <duration>',
        'with --wait-drain: how long its visitors may take to leave',
      ).default(undefined, formatDuration(BLUE_GREEN_DEFAULTS.maxDrainMs)),
    );
}

/** The values of the blue/green options, as commander gives them. */
export interface BlueGreenFlags {
  blueGreen?: true | undefined;
  waitDrain?: true | undefined;
  maxDrain?: string | undefined;
}

/** `--blue-green` asked for, with its options checked. */
export interface BlueGreenChoice {
  readonly waitDrain: boolean;
  readonly maxDrainMs: number | undefined;
}

/**
 * The blue/green options, or undefined without `--blue-green`; an option that tunes it given
 * without it (or `--max-drain` without `--wait-drain`) is a mistake, not silently ignored.
 */
export function blueGreenChoiceOf(flags: BlueGreenFlags): BlueGreenChoice | undefined {
  if (flags.blueGreen !== true) {
    refuseStrayOptions(
      [
        ['--wait-drain', flags.waitDrain],
        ['--max-drain', flags.maxDrain],
      ],
      (flag) => `${flag} works with --blue-green only.`,
    );
    return undefined;
  }
  if (flags.waitDrain !== true)
    refuseStrayOptions([['--max-drain', flags.maxDrain]], (flag) => `${flag} works with --wait-drain only.`);
  return {
    waitDrain: flags.waitDrain === true,
    maxDrainMs: flags.maxDrain === undefined ? undefined : parseDuration(flags.maxDrain, '--max-drain'),
  };
}
