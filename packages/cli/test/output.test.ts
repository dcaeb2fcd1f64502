import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, TomcatPdError } from '@tomcat-pd/core';
import type { Output, OutputOptions } from '../src/output.js';
import { ANSI, fakeContext } from './helpers/fake-context.js';
import { pretty } from './helpers/documents.js';

function setup(options: Partial<OutputOptions> = {}, tty = false) {
  const { context, stdout, stderr } = fakeContext(options, tty);
  return { output: context.output, stdout, stderr };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('Output in JSON mode', () => {
  it('writes exactly one document to stdout, whatever else is said', () => {
    const { output, stdout, stderr } = setup({ json: true });
    output.info('uploading');
    output.warn('careful');
    output.logger.info?.('from the library');
    output.logger.warn?.('library warning');
    output.result({ version: '002', live: '002' }, () => 'human text');
    expect(JSON.parse(stdout.text)).toEqual({ version: '002', live: '002' });
    expect(stdout.chunks).toHaveLength(1);
    expect(stdout.text).not.toContain('human text');
    // Warnings still reach the user, on stderr.
    expect(stderr.text).toContain('careful');
    expect(stderr.text).not.toContain('uploading');
  });

  it('writes an error as the one document { error: {...} } and a line on stderr', async () => {
    const { output, stdout, stderr } = setup({ json: true });
    output.error(
      new TomcatPdError(ErrorCode.auth, 'Wrong user or password.', { hint: 'Check it.', status: 401 }),
    );
    await expect(pretty(JSON.parse(stdout.text))).toMatchFileSnapshot('__snapshots__/output.error.json');
    expect(stderr.text).toContain('error: Wrong user or password.');
  });

  // The README: "any error with --json: { error: { name, code, message, ... } }" - also an
  // unexpected one, so that a script can always read error.code. A bug says so (InternalError,
  // E_INTERNAL) instead of passing as an ordinary failure of the operation.
  it('gives an unexpected error a name and a code too, and says it is a bug', () => {
    const { output, stdout, stderr } = setup({ json: true });
    output.error(new TypeError('boom'));
    const document = JSON.parse(stdout.text) as { error: Record<string, unknown> };
    expect(document.error).toMatchObject({
      name: 'InternalError',
      code: 'E_INTERNAL',
      message: 'tomcat-pd failed unexpectedly (TypeError: boom).',
      hint: 'This is a bug in tomcat-pd: please report it with the output of the same command run with --verbose.',
    });
    expect(stderr.text).toContain('hint: This is a bug in tomcat-pd');
    expect(stderr.text).not.toMatch(/at .*output\.test\.ts/);
  });

  it('prints the stack of an unexpected error with --verbose, for the bug report', () => {
    const { output, stderr } = setup({ verbose: true });
    output.error(new TypeError('boom'));
    expect(stderr.text).toContain('TypeError: boom');
    expect(stderr.text).toMatch(/at .*output\.test\.ts/);
  });

  it('writes one compact JSON line per call of line()', () => {
    const { output, stdout } = setup({ json: true });
    output.line({ cycle: 1 }, () => 'one');
    output.line({ cycle: 2 }, () => 'two');
    const lines = stdout.text.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([{ cycle: 1 }, { cycle: 2 }]);
  });
});

describe('Output for people', () => {
  it('prints the human text on stdout and messages on stderr', () => {
    const { output, stdout, stderr } = setup();
    output.info('uploading');
    output.result({ a: 1 }, () => 'deployed 002');
    expect(stdout.text).toBe('deployed 002\n');
    expect(stderr.text).toBe('uploading\n');
  });

  it('--quiet prints only errors (and warnings)', () => {
    const { output, stdout, stderr } = setup({ quiet: true });
    output.info('uploading');
    output.result({ a: 1 }, () => 'deployed 002');
    output.logger.info?.('library info');
    expect(stdout.text).toBe('');
    expect(stderr.text).toBe('');
    output.error(new Error('broken'));
    expect(stderr.text).toContain('broken');
  });

  it('prints the hint and the usage after an error', () => {
    const { output, stderr } = setup();
    output.error(
      new TomcatPdError(ErrorCode.usage, 'No user.', { hint: 'Give --user.' }),
      'Usage: tomcat-pd status [options]',
    );
    expect(stderr.text).toBe('error: No user.\nhint: Give --user.\nUsage: tomcat-pd status [options]\n');
  });

  it('shows debug lines only with --verbose', () => {
    const quiet = setup();
    expect('debug' in quiet.output.logger).toBe(false);
    const verbose = setup({ verbose: true });
    verbose.output.logger.debug?.('GET /manager/text/list');
    expect(verbose.stderr.text).toContain('debug: GET /manager/text/list');
  });

  it('draws a progress bar only on a TTY and not with --quiet', () => {
    expect(setup({}, true).output.canDrawProgress).toBe(true);
    expect(setup({}, false).output.canDrawProgress).toBe(false);
    expect(setup({ quiet: true }, true).output.canDrawProgress).toBe(false);
  });
});

describe('colours', () => {
  function everything(output: Output): void {
    output.warn('w');
    output.error(new TomcatPdError(ErrorCode.usage, 'e', { hint: 'h' }));
    output.logger.debug?.('d');
  }

  it('colours on a TTY (the control case: the assertions below can fail)', () => {
    vi.stubEnv('NO_COLOR', undefined);
    const { output, stderr } = setup({ verbose: true }, true);
    everything(output);
    expect(stderr.text).toMatch(ANSI);
    expect(output.colors.green('x')).toMatch(ANSI);
  });

  it('no ANSI codes with NO_COLOR', () => {
    vi.stubEnv('NO_COLOR', '1');
    const { output, stdout, stderr } = setup({ verbose: true }, true);
    everything(output);
    expect(stderr.text).not.toMatch(ANSI);
    expect(output.colors.green('x')).toBe('x');
    expect(stdout.text).not.toMatch(ANSI);
  });

  it('no ANSI codes when not on a TTY', () => {
    vi.stubEnv('NO_COLOR', undefined);
    const { output, stderr } = setup({ verbose: true }, false);
    everything(output);
    expect(stderr.text).not.toMatch(ANSI);
    expect(output.colors.green('x')).toBe('x');
  });

  it('no ANSI codes with --no-color', () => {
    vi.stubEnv('NO_COLOR', undefined);
    const { output, stderr } = setup({ verbose: true, color: false }, true);
    everything(output);
    expect(stderr.text).not.toMatch(ANSI);
  });

  // no-color.org: "when present and not an empty string".
  it('an empty NO_COLOR does not turn colours off', () => {
    vi.stubEnv('NO_COLOR', '');
    const { output } = setup({}, true);
    expect(output.colors.green('x')).toMatch(ANSI);
  });
});

describe('secrets', () => {
  const PASSWORD = 'Pa55:w@rd';
  const BASIC = Buffer.from(`deployer:${PASSWORD}`).toString('base64');
  const url = `http://deployer:${encodeURIComponent('Pa55')}:w@rd@tomcat:8080/manager`;

  it.each([false, true])('error() never prints URL credentials (json: %s)', (json) => {
    const { output, stdout, stderr } = setup({ json });
    // A plain error (not redacted at construction, as a TomcatPdError is) with the password in
    // a URL, in an Authorization header, and in the hint of a library error.
    output.error(new Error(`connect ECONNREFUSED ${url}/text/list (Authorization: Basic ${BASIC})`));
    output.error(
      new TomcatPdError(ErrorCode.connect, `Cannot reach ${url}`, { hint: `Try ${url}/text/serverinfo` }),
      `Usage: tomcat-pd status --url ${url}`,
    );
    for (const text of [stdout.text, stderr.text]) {
      expect(text).not.toContain('w@rd');
      expect(text).not.toContain(BASIC);
    }
    expect(stderr.text).toContain('http://[redacted]@tomcat:8080/manager');
  });

  it('result(), info(), warn() and the logger redact too', () => {
    const { output, stdout, stderr } = setup({ verbose: true });
    output.result({}, () => `deployed to ${url}`);
    output.info(`uploading to ${url}`);
    output.warn(`slow ${url}`);
    output.logger.debug?.(`GET ${url}/text/list`);
    output.logger.error?.(`failed ${url}`);
    expect(stdout.text + stderr.text).not.toContain('w@rd');
    const json = setup({ json: true });
    json.output.result({ url }, () => '');
    expect(json.stdout.text).not.toContain('w@rd');
  });
});
