import { Command, type OptionValues } from '@commander-js/extra-typings';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { globalOptions, withGlobalOptions, type GlobalOptions } from '../src/global-options.js';

/**
 * A program shaped like the real one (positional options, globals on the program with their
 * environment variables and on every command without), whose commands only record what
 * globalOptions() returns. The real commands would talk to Tomcat.
 */
function parse(argv: string[]): GlobalOptions {
  let seen: GlobalOptions | undefined;
  const program = new Command('tomcat-pd').enablePositionalOptions().exitOverride();
  const record = (...args: unknown[]) => {
    seen = globalOptions(args.at(-1) as Command<unknown[], OptionValues>);
  };
  program.command('status').option('--path <path>').action(record);
  program.command('drain').option('--wait').option('--wait-timeout <duration>').action(record);
  withGlobalOptions(program, { withEnv: true });
  for (const command of program.commands) withGlobalOptions(command, { withEnv: false });
  program.parse(['node', 'tomcat-pd', ...argv]);
  if (seen === undefined) throw new Error('no command ran');
  return seen;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('global options', () => {
  it('are read before the command name', () => {
    expect(parse(['--url', 'http://a/m', '--user', 'u', '--json', '--verbose', 'status'])).toMatchObject({
      url: 'http://a/m',
      user: 'u',
      json: true,
      verbose: true,
      color: true,
    });
  });

  it('are read after the command name', () => {
    expect(
      parse([
        'status',
        '--path',
        '/a',
        '--url',
        'http://a/m',
        '--user',
        'u',
        '--json',
        '--no-color',
        '--retries',
        '2',
      ]),
    ).toMatchObject({ url: 'http://a/m', user: 'u', json: true, color: false, retries: '2' });
  });

  it('mix: some before, some after', () => {
    expect(parse(['--json', 'status', '--url', 'http://a/m', '--quiet'])).toMatchObject({
      json: true,
      url: 'http://a/m',
      quiet: true,
    });
  });

  it('after the name beats before it', () => {
    expect(parse(['--url', 'http://before/m', 'status', '--url', 'http://after/m']).url).toBe(
      'http://after/m',
    );
  });

  it('come from the environment when no flag is given', () => {
    vi.stubEnv('TOMCAT_PD_URL', 'http://env/m');
    vi.stubEnv('TOMCAT_PD_USER', 'env-user');
    expect(parse(['status'])).toMatchObject({ url: 'http://env/m', user: 'env-user' });
  });

  it('a flag beats the environment, before or after the command name', () => {
    vi.stubEnv('TOMCAT_PD_URL', 'http://env/m');
    vi.stubEnv('TOMCAT_PD_USER', 'env-user');
    expect(parse(['--url', 'http://flag/m', 'status']).url).toBe('http://flag/m');
    expect(parse(['status', '--url', 'http://flag/m', '--user', 'flag-user'])).toMatchObject({
      url: 'http://flag/m',
      user: 'flag-user',
    });
  });

  it('no option is set when none is given', () => {
    vi.stubEnv('TOMCAT_PD_URL', undefined);
    vi.stubEnv('TOMCAT_PD_USER', undefined);
    const options = parse(['status']);
    expect(options.url).toBeUndefined();
    expect(options.json).toBeUndefined();
    expect(options.color).toBe(true);
  });

  // drain's wait time-out is --wait-timeout; `drain --wait --timeout D` (its deprecated spelling, gone)
  // is the time-out of each request, as for every other command (CHANGELOG.md).
  it('--timeout after drain, with or without --wait, is the request time-out', () => {
    expect(parse(['drain', '--timeout', '5s']).timeout).toBe('5s');
    expect(parse(['drain', '--wait', '--timeout', '30m']).timeout).toBe('30m');
    expect(parse(['drain', '--wait', '--wait-timeout', '1h', '--timeout', '5s']).timeout).toBe('5s');
  });
});
