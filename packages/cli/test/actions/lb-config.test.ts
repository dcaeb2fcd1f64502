import { describe, expect, it } from 'vitest';
import { parse } from '../../src/actions/lb-config.js';
import { defineLbConfig } from '../../src/commands/lb.js';
import type { ConfigFile } from '../../src/config-file.js';

/** lb config's command line as commander parses it from the definition. */
const line = (argv: string[], defaults: ConfigFile['defaults'] = {}) => {
  const command = defineLbConfig().exitOverride();
  command.parse(argv, { from: 'user' });
  return { args: command.args, flags: command.opts(), defaults };
};

describe('lb config', () => {
  it("takes the config's path and its first probe path when the flags are left out", () => {
    expect(parse(line(['haproxy'], { path: '/shop', probe: ['/health', '/ready'] }))).toEqual({
      type: 'haproxy',
      path: '/shop',
      probe: '/health',
      sessionTimeoutMinutes: undefined,
      listen: undefined,
    });
  });

  it('takes the flags over the config', () => {
    const input = parse(
      line(['nginx', '--path', '/a', '--probe', '/up', '--session-timeout', '45', '--listen', '8080'], {
        path: '/shop',
      }),
    );
    expect(input).toMatchObject({ path: '/a', probe: '/up', sessionTimeoutMinutes: 45, listen: '8080' });
  });

  it('refuses no path, a session timeout of 0, and an unknown type', () => {
    expect(() => parse(line(['haproxy']))).toThrow(/--path is required/);
    expect(() => parse(line(['haproxy', '--path', '/a', '--session-timeout', '0']))).toThrow(
      /--session-timeout/,
    );
    expect(() => line(['traefik', '--path', '/a'])).toThrow(/Allowed choices are haproxy, mod_jk/);
  });
});
