import type { Command, Option, OptionValues } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import {
  ANALYSIS_DEFAULTS,
  BLUE_GREEN_DEFAULTS,
  DEFAULT_GRACE_MS,
  DEFAULT_MAX_RESIDENT,
  DEFAULT_PARALLEL,
  DEFAULT_WIDTH,
  DRAIN_PLAN_DEFAULTS,
  DRAIN_TARGET_DEFAULTS,
  LOCK_DEFAULTS,
  PROBE_DEFAULTS,
  REQUEST_DEFAULTS,
  RESTART_DEFAULTS,
  STARTING_CONFIG_DEFAULTS,
} from '@tomcat-pd/core/internal';
import { DEFAULT_WAIT_TIMEOUT_MS } from '../src/commands/drain.js';
import { DEFAULT_INTERVAL_MS, DEFAULT_LISTEN } from '../src/commands/serve.js';
import { WATCH_INTERVAL_MS } from '../src/commands/status.js';
import { formatDuration } from '../src/flags/flag-values.js';
import { buildProgram } from '../src/program.js';

// A default a help text names is the value the core (or the command) fills in when the option
// is left out: each is read here from the constant that sets it, so that the help cannot drift
// from what runs. Defaults in words (what the option falls back to) are listed as they read.
const probe = {
  '--expect-status': `${PROBE_DEFAULTS.expectStatus.min}-${PROBE_DEFAULTS.expectStatus.max}`,
  '--probe-timeout': formatDuration(PROBE_DEFAULTS.timeoutMs),
};
const blueGreen = { '--max-drain': formatDuration(BLUE_GREEN_DEFAULTS.maxDrainMs) };
const EXPECTED: Record<string, Record<string, string>> = {
  'tomcat-pd': {
    '--config': './tomcat-pd.json if present',
    '--target': 'all',
    '--timeout': formatDuration(REQUEST_DEFAULTS.timeoutMs),
    '--retries': String(REQUEST_DEFAULTS.retries),
    '--app-url': "the Manager URL's scheme, host and port",
    '--parallel': String(DEFAULT_PARALLEL),
    '--ssh-key': 'the SSH agent',
    '--ssh-known-hosts': '$HOME/.ssh/known_hosts',
    '--audit-log': '"auditLog" in the config file, else none',
    '--lock-wait': 'no wait: exit 5 after three quick tries',
    '--lock-ttl': formatDuration(LOCK_DEFAULTS.ttlMs),
  },
  deploy: {
    '--path': 'the config default',
    '--version': 'the next counter, e.g. 004',
    '--width': String(DEFAULT_WIDTH),
    '--build-id': '$TOMCAT_PD_BUILD_ID, unless --version or --semver is given',
    ...probe,
    '--max-error-rate': String(ANALYSIS_DEFAULTS.maxErrorRate * 100),
    '--min-requests': String(ANALYSIS_DEFAULTS.minRequests),
    '--interval': formatDuration(ANALYSIS_DEFAULTS.intervalMs),
    '--on-inconclusive': ANALYSIS_DEFAULTS.onInconclusive,
    ...blueGreen,
  },
  check: { '--path': 'from the file name, as Tomcat does' },
  status: { '--max-resident': String(DEFAULT_MAX_RESIDENT), '--interval': formatDuration(WATCH_INTERVAL_MS) },
  serve: { '--listen': DEFAULT_LISTEN, '--interval': formatDuration(DEFAULT_INTERVAL_MS) },
  history: { '--path': 'the config default' },
  promote: { '--path': 'the config default' },
  abort: { '--path': 'the config default' },
  sessions: { '--path': 'the config default' },
  rollback: { '--path': 'the config default', '--to': 'the previous running one', ...probe, ...blueGreen },
  drain: {
    '--path': 'every app',
    '--keep': String(DRAIN_PLAN_DEFAULTS.keep),
    '--grace': formatDuration(DEFAULT_GRACE_MS),
    '--wait-timeout': formatDuration(DEFAULT_WAIT_TIMEOUT_MS),
    ...probe,
  },
  undeploy: { '--path': 'the config default', ...probe },
  restart: {
    '--max-drain': formatDuration(RESTART_DEFAULTS.maxDrainMs),
    '--on-max-drain': RESTART_DEFAULTS.onMaxDrain,
    '--probe': "the config's defaults.probe, else OPTIONS at each app's root (no session made)",
    '--start-timeout': formatDuration(RESTART_DEFAULTS.startTimeoutMs),
    '--exec-timeout': formatDuration(RESTART_DEFAULTS.execTimeoutMs),
  },
  lb: {},
  'lb status': {},
  'lb drain': { '--max-wait': formatDuration(DRAIN_TARGET_DEFAULTS.maxWaitMs) },
  'lb maint': {},
  'lb config': {
    '--path': 'the config default',
    '--probe': "the config's first defaults.probe, else OPTIONS at the app's root (no session made)",
    '--session-timeout': String(STARTING_CONFIG_DEFAULTS.sessionTimeoutMinutes),
    '--listen': STARTING_CONFIG_DEFAULTS.listen,
  },
  'lb ready': { '--probe': "the config's defaults.probe, else OPTIONS at each app's root (no session made)" },
  lock: {},
  'lock status': {},
  'lock release': { '--path': 'the config default' },
};

const program = buildProgram(new AbortController().signal);
/** Every command, subcommands too (`lb drain`), by the name a user types after `tomcat-pd`. */
const everyCommand = (
  command: Command<unknown[], OptionValues>,
  prefix: string,
): [string, Command<unknown[], OptionValues>][] =>
  command.commands.flatMap((sub) => {
    const name = `${prefix}${sub.name()}`;
    return [[name, sub] as [string, Command<unknown[], OptionValues>], ...everyCommand(sub, `${name} `)];
  });
const commands: [string, Command<unknown[], OptionValues>][] = [
  ['tomcat-pd', program],
  ...everyCommand(program, ''),
];
/** The options a command's help shows (the global ones only once, in the program's). */
const shown = (command: Command<unknown[], OptionValues>): readonly Option[] =>
  command.options.filter((option) => !option.hidden);

describe('the defaults the help names are the ones that run', () => {
  it.each(commands)('%s: every default shown is its constant', (name, command) => {
    const defaults = Object.fromEntries(
      shown(command)
        .filter((option) => option.defaultValueDescription !== undefined)
        .map((option) => [option.long ?? option.flags, option.defaultValueDescription]),
    );
    expect(defaults).toEqual(EXPECTED[name]);
  });

  it.each(commands)(
    '%s: no option restates a default in its description, and the help shows each one',
    (_name, command) => {
      for (const option of shown(command)) expect(option.description, option.flags).not.toMatch(/default/i);
      const help = command.helpInformation().replace(/\s+/g, ' ');
      for (const option of shown(command)) {
        if (option.defaultValueDescription === undefined) continue;
        expect(help).toContain(`(default: ${option.defaultValueDescription})`);
      }
    },
  );
});
